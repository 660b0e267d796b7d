#!/bin/bash
# Corruption suite on the real fixture dumps: damage one kernel structure
# of a copy of each dump at a time, run vmap inside crash, judge (corrupt.py).
#   VX_E2E_KERNELS  kernels (default "6.1 6.12"; "7.2" works too, --minimal;
#                   fixtures via tests/e2e/mkfixture.sh)
#   VX_SO           the extension to test (default ./vmap_ext.so)
#   VX_SWEEP        random single-field damages per kernel and mode (20)
#   VX_CORRUPT_TIMEOUT  seconds per crash session (120)
# Extra arguments go to corrupt.py (--case NAME, --keep, --work DIR...).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SO=${VX_SO:-$ROOT/vmap_ext.so}
KERNELS=${VX_E2E_KERNELS:-"6.1 6.12"}
# shellcheck source=tests/e2e/pkgs.sh
. "$ROOT/tests/e2e/pkgs.sh"

# the tree's own build, kept up to date; VX_SO is taken as it is
[ -n "${VX_SO:-}" ] || make -s -C "$ROOT" vmap_ext.so
[ -f "$SO" ] || { echo "corrupt: $SO not built" >&2; exit 1; }
command -v gdb >/dev/null || apt_get install -y -qq gdb >/dev/null
command -v nm >/dev/null || apt_get install -y -qq binutils >/dev/null
exec /usr/bin/python3 "$HERE/corrupt.py" --so "$SO" \
	--kernels "$(echo $KERNELS | tr ' ' ',')" \
	--sweep "${VX_SWEEP:-20}" --timeout "${VX_CORRUPT_TIMEOUT:-120}" "$@"
