#!/bin/bash
# The main job on the built-in example: build the 6.12 fixture kernel and
# its dump (cached), open it in crash, load vmap_ext.so, list and read.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$("$ROOT/tests/e2e/mkfixture.sh" "${VX_DEMO_KERNEL:-6.12}" | tail -n 1)
flags=$(sed -e 's/^crash//' -e 's/ -s / /' -e 's/vmlinux vmcore//' \
	"$dir/crash-flags")
# a used vb region of several pages: the read below crosses its first
# page boundary, where the kernel's own vmap_ram_vread_iter() goes wrong
block=$(awk '/kind=vb/ && /state=used/ && /pages=[2-9]/ {
	sub("addr=0x", "", $3); print $3; exit }' "$dir/manifest.txt")
[ -n "$block" ] || { echo "demo: no used vb region in $dir/manifest.txt" >&2; exit 1; }
cmds=$(mktemp)
trap 'rm -f "$cmds"' EXIT
cat > "$cmds" <<CMDS
extend $ROOT/vmap_ext.so
vmap list
vmap list -s
vmap read $(printf '%x' $((0x$block + 4096 - 32))) 96
exit
CMDS
# crash 8.0.2 damages its own heap in its start-up on 6.2+ dumps unless
# tests/e2e/heapfix.c is preloaded (docs/TESTING.md)
preload=$(/usr/bin/python3 "$ROOT/tests/e2e/heapfix.py" "$dir")
echo "demo: ${preload:+LD_PRELOAD=$preload }crash -s $flags $dir/vmlinux $dir/vmcore" >&2
# shellcheck disable=SC2086
LD_PRELOAD=$preload crash -s $flags "$dir/vmlinux" "$dir/vmcore" -i "$cmds" 2>&1 |
	grep -v -e '^bt: ' -e '^$'
