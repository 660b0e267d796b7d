#!/bin/bash
# Install what building vmap_ext and running its tests needs on Debian 12.
# Idempotent and quiet; the e2e harness installs its own extras
# (qemu, kernel sources, busybox) in tests/e2e/mkfixture.sh.
set -euo pipefail

# shellcheck source=tests/e2e/pkgs.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/pkgs.sh"

pkgs=(crash gdb gcc make libc6-dev libdw-dev libelf-dev python3 clang
	libclang-rt-14-dev)
missing=()
for p in "${pkgs[@]}"; do
	pkg_installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing ${missing[*]}" >&2
[ "$(id -u)" -eq 0 ] || { echo "setup: run as root (apt-get)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt_get update -qq >/dev/null
apt_get install -y -qq "${missing[@]}" >/dev/null
