#!/usr/bin/env bash
# Builds the two wasm artifacts from crate/ into pkg/:
#   pkg/wasm_gpt_threads_simd.wasm  shared memory + atomics + SIMD128, rayon pool over JS workers
#   pkg/wasm_gpt_simd.wasm          SIMD128 on one thread, for pages that are not cross-origin isolated
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

build() { # name features extra-rustflags
  local name="$1" features="$2" extra="$3"
  local target_dir="$wgpt_root/crate/target/$name"
  echo "wasm-gpt: building $name with the $WGPT_TOOLCHAIN toolchain" >&2
  (cd "$wgpt_root/crate" && RUSTFLAGS="$common_flags $extra" CARGO_TARGET_DIR="$target_dir" \
    "${WGPT_CARGO[@]}" build --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort \
    ${features:+--features "$features"} "${WGPT_CARGO_CONFIG[@]}" --quiet)
  mkdir -p "$wgpt_root/pkg"
  cp "$target_dir/wasm32-unknown-unknown/release/wasm_gpt_core.wasm" "$wgpt_root/pkg/wasm_gpt_$name.wasm"
}

build threads_simd threads "-C target-feature=+atomics -C link-arg=--shared-memory \
  -C link-arg=--export=__stack_pointer -C link-arg=--export=__wasm_init_tls \
  -C link-arg=--export=__tls_size -C link-arg=--export=__tls_align -C link-arg=--export=__tls_base"
build simd "" ""

ls -l "$wgpt_root"/pkg/*.wasm | awk '{printf "wasm-gpt: %s %d bytes\n", $9, $5}' >&2
