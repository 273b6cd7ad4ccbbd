#!/usr/bin/env bash
# Builds the four wasm artifacts from crate/ into pkg/:
#   pkg/wasm_gpt_threads_simd.wasm          shared memory + atomics + SIMD128, rayon pool over JS workers
#   pkg/wasm_gpt_simd.wasm                  SIMD128 on one thread, for pages that are not cross-origin isolated
#   pkg/wasm_gpt_threads_relaxed_simd.wasm  the same two with relaxed SIMD too (F32x4::mul_add becomes
#   pkg/wasm_gpt_relaxed_simd.wasm          f32x4.relaxed_madd), loaded where the engine validates it
# Memory layout constants here must match src/wasm/artifacts.ts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
wgpt_select_toolchain

INITIAL_MEMORY=$((16 * 1024 * 1024))   # 256 pages: static data + the 1 MiB main stack fit with room to spare
MAX_MEMORY=$((4 * 1024 * 1024 * 1024)) # the whole wasm32 address space
STACK_SIZE=$((1024 * 1024))

common_flags="-C target-feature=+simd128,+bulk-memory,+mutable-globals,+sign-ext,+nontrapping-fptoint"
common_flags+=" -C link-arg=--import-memory -C link-arg=--initial-memory=$INITIAL_MEMORY"
common_flags+=" -C link-arg=--max-memory=$MAX_MEMORY -C link-arg=-zstack-size=$STACK_SIZE"

# `build-wasm.sh simd threads_simd` rebuilds just those artifacts (kernel work); no argument builds all four.
wanted=" ${*:-threads_simd simd threads_relaxed_simd relaxed_simd} "

build() { # name features extra-rustflags
  local name="$1" features="$2" extra="$3"
  [[ "$wanted" == *" $name "* ]] || return 0
  local target_dir="$wgpt_root/crate/target/$name"
  echo "wasm-gpt: building $name with the $WGPT_TOOLCHAIN toolchain" >&2
  (cd "$wgpt_root/crate" && RUSTFLAGS="$common_flags $extra" CARGO_TARGET_DIR="$target_dir" \
    "${WGPT_CARGO[@]}" build --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort \
    ${features:+--features "$features"} "${WGPT_CARGO_CONFIG[@]}" --quiet)
  mkdir -p "$wgpt_root/pkg"
  cp "$target_dir/wasm32-unknown-unknown/release/wasm_gpt_core.wasm" "$wgpt_root/pkg/wasm_gpt_$name.wasm"
}

threads_flags="-C target-feature=+atomics -C link-arg=--shared-memory \
  -C link-arg=--export=__stack_pointer -C link-arg=--export=__wasm_init_tls \
  -C link-arg=--export=__tls_size -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base"
relaxed_flags="-C target-feature=+relaxed-simd"

build threads_simd threads "$threads_flags"
build simd "" ""
# core::arch::wasm32::f32x4_relaxed_madd is stable since Rust 1.82; an older compiler fails here, after the
# plain artifacts are already in pkg/.
if ! { build threads_relaxed_simd threads "$threads_flags $relaxed_flags" && build relaxed_simd "" "$relaxed_flags"; }; then
  echo "wasm-gpt: the relaxed-SIMD artifacts did not build with the $WGPT_TOOLCHAIN toolchain ($("${RUSTC:-rustc}" --version 2>/dev/null || echo 'rustc version unknown'))." >&2
  echo "wasm-gpt: they need Rust >= 1.82 (f32x4_relaxed_madd); pkg/ has the plain SIMD128 artifacts only, which wasm-gpt cannot ship without the others." >&2
  exit 1
fi

ls -l "$wgpt_root"/pkg/*.wasm | awk '{printf "wasm-gpt: %s %d bytes\n", $9, $5}' >&2
