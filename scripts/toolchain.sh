# Sourced by the build scripts: picks the Rust toolchain that can build std for wasm32 and sets
#   WGPT_CARGO (command words for cargo) and WGPT_CARGO_CONFIG (extra --config flags).
#
# Two supported paths (override with WASM_GPT_TOOLCHAIN=debian|rustup):
#   debian  Debian's rustc-web/cargo-web 1.96 at /usr/bin with std sources (rust-web-src). crates.io is not
#           needed: a directory source merging std's vendored crates with Debian's registry (librust-rayon-dev)
#           replaces it. This is what CI and the project machines use (scripts/setup-toolchain.sh installs it).
#   rustup  rustup's nightly with the rust-src component, crates.io reachable:
#             rustup toolchain install nightly --component rust-src
# RUSTC_BOOTSTRAP=1 lets the stable Debian compiler accept -Zbuild-std; nightly does not need it.

wgpt_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

wgpt_debian_ready() {
  [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] || return 1
  local sysroot; sysroot="$(/usr/bin/rustc --print sysroot 2>/dev/null)" || return 1
  [ -f "$sysroot/lib/rustlib/src/rust/library/Cargo.lock" ] || return 1
  [ -e "$(command -v rust-lld || echo /usr/bin/rust-lld)" ] || return 1
  ls -d /usr/share/cargo/registry/rayon-1.* >/dev/null 2>&1 || return 1
}

wgpt_rustup_ready() {
  command -v rustup >/dev/null 2>&1 || return 1
  rustup run nightly rustc --version >/dev/null 2>&1 || return 1
  local sysroot; sysroot="$(rustup run nightly rustc --print sysroot)"
  [ -f "$sysroot/lib/rustlib/src/rust/library/Cargo.lock" ]
}

# Merge std's vendored crates and Debian's registry into one cargo directory source (symlinks, idempotent).
wgpt_debian_vendor_dir() {
  local sysroot vendor
  sysroot="$(/usr/bin/rustc --print sysroot)"
  vendor="$wgpt_root/crate/target/vendor"
  mkdir -p "$vendor"
  for d in "$sysroot"/lib/rustlib/src/rust/library/vendor/* /usr/share/cargo/registry/*; do
    [ -f "$d/Cargo.toml" ] || continue
    ln -sfn "$d" "$vendor/$(basename "$d")"
  done
  echo "$vendor"
}

wgpt_select_toolchain() {
  local choice="${WASM_GPT_TOOLCHAIN:-}"
  if [ -z "$choice" ]; then
    if wgpt_debian_ready; then choice=debian
    elif wgpt_rustup_ready; then choice=rustup
    else
      cat >&2 <<'MSG'
wasm-gpt: no Rust toolchain that can build std for wasm32 was found.
  On Debian/Ubuntu as root:  bash scripts/setup-toolchain.sh
  Elsewhere:                 rustup toolchain install nightly --component rust-src   (needs crates.io)
MSG
      return 1
    fi
  fi
  case "$choice" in
    debian)
      wgpt_debian_ready || { echo "wasm-gpt: Debian toolchain incomplete; run scripts/setup-toolchain.sh" >&2; return 1; }
      local vendor; vendor="$(wgpt_debian_vendor_dir)"
      export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
      WGPT_CARGO=(/usr/bin/cargo)
      WGPT_CARGO_CONFIG=(--offline --config 'source.crates-io.replace-with="wgpt-debian"'
                         --config "source.wgpt-debian.directory=\"$vendor\"")
      ;;
    rustup)
      wgpt_rustup_ready || { echo "wasm-gpt: needs 'rustup toolchain install nightly --component rust-src'" >&2; return 1; }
      unset RUSTC RUSTDOC
      WGPT_CARGO=(rustup run nightly cargo)
      WGPT_CARGO_CONFIG=()
      ;;
    *) echo "wasm-gpt: WASM_GPT_TOOLCHAIN must be debian or rustup, got '$choice'" >&2; return 1 ;;
  esac
  WGPT_TOOLCHAIN="$choice"
}
