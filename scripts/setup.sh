#!/bin/bash
# Install what building vmap_ext and running its tests needs on Debian 12.
# Idempotent and quiet; the e2e harness installs its own extras
# (qemu, kernel sources, busybox) in tests/e2e/mkfixture.sh.
set -euo pipefail

pkgs=(crash gdb gcc make libc6-dev libdw-dev libelf-dev python3 clang
	libclang-rt-14-dev)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing ${missing[*]}" >&2
[ "$(id -u)" -eq 0 ] || { echo "setup: run as root (apt-get)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
# one apt-get at a time with the fixture builds (tests/e2e/pkgs.sh)
apt_get() {
	flock /run/lock/vmap_ext-apt apt-get -o DPkg::Lock::Timeout=900 "$@"
}
apt_get update -qq >/dev/null
apt_get install -y -qq "${missing[@]}" >/dev/null
