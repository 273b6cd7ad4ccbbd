#!/usr/bin/env bash
# Runs cargo in crate/ with the toolchain scripts/toolchain.sh selects (native target), e.g.
#   bash scripts/cargo.sh test --release --features threads
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
wgpt_select_toolchain
cd "$wgpt_root/crate"
sub="$1"; shift
exec "${WGPT_CARGO[@]}" "$sub" "${WGPT_CARGO_CONFIG[@]}" "$@"
