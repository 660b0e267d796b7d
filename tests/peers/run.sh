#!/bin/bash
# make peers: every peer on every fixture dump, one table per kernel;
# the tables go to stdout and to docs/peers-table.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
KERNELS=${VX_E2E_KERNELS:-"6.1 6.12 7.2 6.12-wide"}
make -s -C "$ROOT" vmap_ext.so
for host in trixie sid; do
	dir=$("$ROOT/tests/hosts/mkchroot.sh" "$host" | tail -n 1)
	"$ROOT/tests/hosts/in-chroot.sh" "$dir" make -s -C "$ROOT" \
		BUILD="build/$host" SO="$ROOT/build/$host/vmap_ext.so" \
		"$ROOT/build/$host/vmap_ext.so"
done
out=$(mktemp)
{
	echo "Measured $(date -u +%Y-%m-%d) on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'))."
	echo "Reproduce with \`make peers\`."
	echo
	for v in $KERNELS; do
		dir=$("$ROOT/tests/e2e/mkfixture.sh" "$v" | tail -n 1)
		/usr/bin/python3 "$HERE/peers.py" "$dir" "$v"
	done
} | tee "$out"
cp "$out" "$ROOT/docs/peers-table.md"
rm -f "$out"
