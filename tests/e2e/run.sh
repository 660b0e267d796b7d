#!/bin/bash
# End-to-end tests: build (or reuse) each fixture kernel and dump, then run
# crash with vmap_ext.so on it and judge the output (check.py).
#   VX_E2E_KERNELS  kernels to test (default "6.1 6.12")
#   VX_CRASH        crash binary (default /usr/bin/crash)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SO=${VX_SO:-$ROOT/vmap_ext.so}
CRASH=${VX_CRASH:-/usr/bin/crash}
KERNELS=${VX_E2E_KERNELS:-"6.1 6.12"}
rc=0

[ -f "$SO" ] || { echo "e2e: $SO not built" >&2; exit 1; }
for v in $KERNELS; do
	dir=$("$HERE/mkfixture.sh" "$v" | tail -n 1)
	[ -f "$dir/vmcore" ] || { echo "e2e: no dump for $v" >&2; exit 1; }
	# Full mode: crash 8.0.2 predates the 6.4 module layout, so 6.4+
	# kernels with modules need --no_modules; on 6.12 it also dies in
	# its own start-up most of the time (heap corruption before any
	# extension loads), hence the retries.
	/usr/bin/python3 "$HERE/check.py" "$dir" "$SO" --crash "$CRASH" \
		--flags="|--no_modules" --retries 4 --allow-startup-failure \
		--label "$v${VX_LABEL:+/$VX_LABEL}" || rc=1
	# crash --minimal translates no vmalloc address: vmap walks the
	# page tables itself and must give the same answers
	/usr/bin/python3 "$HERE/check.py" "$dir" "$SO" --crash "$CRASH" \
		--flags="--minimal" \
		--label "$v/minimal${VX_LABEL:+/$VX_LABEL}" || rc=1
done
exit $rc
