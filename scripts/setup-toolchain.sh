#!/usr/bin/env bash
# Installs what building wasm-gpt needs, and is a fast no-op when it is already there.
#
#   bash scripts/setup-toolchain.sh            Rust toolchain for the wasm build
#   bash scripts/setup-toolchain.sh --browser  also Chromium, for the real-browser tests
#
# On Debian (bookworm and later) as root it installs Debian's packages: rustc-web, cargo-web (Rust 1.96 at
# /usr/bin), rust-web-src (std sources with their dependencies vendored, for -Zbuild-std), rust-web-llvm and
# the lld its rust-lld points to (the wasm linker), librust-rayon-dev (rayon 1.6 sources). Nothing else is
# downloaded: crates.io is not used on this path. Elsewhere it checks for rustup's nightly with rust-src and
# says what to install if it is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    *) echo "usage: $0 [--browser]" >&2; exit 2 ;;
  esac
done

missing_debs() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

apt_updated=0
apt_install() {
  [ "$#" -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ]; then
    echo "wasm-gpt: needs root to install: $* (run: sudo apt-get install $*)" >&2
    return 1
  fi
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  echo "wasm-gpt: installing $*" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ "${WASM_GPT_TOOLCHAIN:-}" != rustup ] && command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  if ! wgpt_debian_ready; then
    # shellcheck disable=SC2046
    apt_install $(missing_debs rustc-web cargo-web rust-web-src rust-web-llvm librust-rayon-dev)
    # rust-lld is a link to the LLVM linker of rust-web-llvm's LLVM (e.g. lld-22), packaged separately.
    if [ -L /usr/bin/rust-lld ] && [ ! -e /usr/bin/rust-lld ]; then
      apt_install "$(basename "$(readlink /usr/bin/rust-lld)")"
    fi
  fi
  wgpt_debian_ready || { echo "wasm-gpt: Debian toolchain still incomplete after install" >&2; exit 1; }
  echo "wasm-gpt: Debian Rust toolchain ready ($(/usr/bin/rustc --version))" >&2
elif wgpt_rustup_ready; then
  echo "wasm-gpt: rustup nightly with rust-src ready ($(rustup run nightly rustc --version))" >&2
else
  cat >&2 <<'MSG'
wasm-gpt: no Rust toolchain that can build std for wasm32.
  Debian/Ubuntu (as root):  bash scripts/setup-toolchain.sh
  Anywhere with crates.io:  install rustup (see the Rust project's install page), then
                            rustup toolchain install nightly --component rust-src
MSG
  exit 1
fi

if [ "$want_browser" = 1 ]; then
  if ! command -v chromium >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then apt_install chromium
    else echo "wasm-gpt: install Chromium and set CHROMIUM_PATH for the browser tests" >&2; exit 1; fi
  fi
  echo "wasm-gpt: $(chromium --version 2>/dev/null || echo chromium) ready" >&2
fi
