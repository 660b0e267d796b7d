#!/bin/bash
# tests/bench/run.sh -- the benchmark of issue 6: vmap against crash's own
# commands on dumps with tens of thousands of vmap areas.
#
# Builds (or reuses, from $VX_CACHE) the workload dumps: fixture kernels
# booted with vx_fixture.scale=N (tests/e2e/mkfixture.sh with VX_SCALE=N:
# N one-page vmalloc areas, ceil(N/1000) full vmap_blocks of small
# vm_map_ram mappings, 3N/500 areas of 16..64 pages and one 64 MiB area with
# a seeded pattern, spread over 4 CPUs, -m 2G):
#   6.1  at N = 50000   Debian 12's crash 8.0.2, full mode and --minimal;
#                       sid's crash 9.0.2 (`vmap list`: time per area in
#                       the same crash as 6.12)
#   6.12 at N = 50000   sid's crash 9.0.2 (chroot), full mode; crash 8.0.2
#                       full mode (--no_modules; `vmap list` only, its
#                       kmem -v fails there) and with --minimal (vmap
#                       only: kmem -v and rd of vmalloc addresses do not
#                       work there)
#   6.12 at N = 5000    the same two, for the 10x scaling ratio
#   6.12-wide at N = 50000 and 100000  a 128-CPU guest: 128 vmap nodes
#                       (crash 9.0.2, `vmap list`: time per area against
#                       the 4-node 6.12, no target; 2x the areas for the
#                       scaling ratio)
#   6.1 and 6.12 at N = 50000 under crash 8.0.2 --minimal once more with
#                       VMAP_EXT_READAHEAD=0 (`vmap list`: what the
#                       read-ahead thread saves, and the two kernels
#                       without it; no target)
# then times, each in its own crash sessions (tests/bench/bench.py):
# `vmap list` vs `kmem -v`, `vmap read -r` vs `rd -r` of the 64 MiB area,
# and the peak RSS of crash while listing, and prints a table with the
# ratios and the machine, also written to tests/bench/results.txt.
#
# Env: VX_BENCH_SCALE (50000), VX_BENCH_SCALE_SMALL (5000),
#      VX_BENCH_SCALE_LARGE (100000), VX_BENCH_REPS (3),
#      VX_BENCH_WIDE (1; 0: without the 6.12-wide cases),
#      VX_BENCH_OUT (tests/bench/results.txt), VX_CACHE.
# Never part of `make check`: timings are not assertions.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SCALE=${VX_BENCH_SCALE:-50000}
SMALL=${VX_BENCH_SCALE_SMALL:-5000}
LARGE=${VX_BENCH_SCALE_LARGE:-100000}
REPS=${VX_BENCH_REPS:-3}
WIDE=${VX_BENCH_WIDE:-1}
OUT=${VX_BENCH_OUT:-$HERE/results.txt}
export LC_ALL=C

log() { echo "bench: $*" >&2; }

# the extension for each crash, built against that crash's own defs.h
make -s -C "$ROOT" vmap_ext.so
SO=$ROOT/vmap_ext.so
SID=$("$ROOT/tests/hosts/mkchroot.sh" sid | tail -n 1)
SID_SO=$ROOT/build/sid/vmap_ext.so
"$ROOT/tests/hosts/in-chroot.sh" "$SID" make -s -C "$ROOT" \
	BUILD=build/sid SO="$SID_SO" "$SID_SO"
SID_CRASH="$ROOT/tests/hosts/crash-in-chroot.sh $SID"
# the pread64 timer that splits time per area (reads of the dump / the rest)
PREADTIME=$ROOT/build/preadtime.so
mkdir -p "$ROOT/build"
gcc -O2 -Wall -shared -fPIC -o "$PREADTIME" "$HERE/preadtime.c" -ldl

# the workloads (one kernel build per version at most; dumps cached)
dump() { VX_SCALE=$2 "$ROOT/tests/e2e/mkfixture.sh" "$1" | tail -n 1; }
log "workload dumps (first time: kernel builds ~3-6 min each, boots ~1-2 min)"
D61=$(dump 6.1 "$SCALE")
D612=$(dump 6.12 "$SCALE")
D612S=$(dump 6.12 "$SMALL")
D612W= D612WL=
if [ "$WIDE" = 1 ]; then
	D612W=$(dump 6.12-wide "$SCALE")
	D612WL=$(dump 6.12-wide "$LARGE")
fi
for d in "$D61" "$D612" "$D612S" ${D612W:+"$D612W" "$D612WL"}; do
	[ -f "$d/vmcore" ] && [ -s "$d/bulk.txt" ] || { log "no workload dump in $d"; exit 1; }
done

ver_native=$(crash --version 2>/dev/null | grep -m1 '^crash ' || echo 'crash ?')
ver_sid=$("$ROOT/tests/hosts/in-chroot.sh" "$SID" crash --version 2>/dev/null | grep -m1 '^crash ' || echo 'crash ?')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal:/ {printf "%d MiB RAM", $2 / 1024}' /proc/meminfo)
machine="machine: nproc=$(nproc), CPU: $cpu, $mem, $(uname -sr), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
machine="$machine\\ncrash: $ver_native (Debian 12, /usr/bin/crash); $ver_sid (sid chroot)"
dumps="$(basename "$D61") $(basename "$D612") $(basename "$D612S")"
[ -z "$D612W" ] || dumps="$dumps $(basename "$D612W") $(basename "$D612WL")"
machine="$machine\\nvmap_ext: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'); dumps: $dumps"

k=$((SCALE / 1000))k
ks=$((SMALL / 1000))k
kl=$((LARGE / 1000))k
# the 128-node cases (VX_BENCH_WIDE=0 leaves them out: each of their
# dumps is a 128-CPU guest under TCG, the slowest to build)
scaling="6.12-$ks/9.0.2/full:6.12-$k/9.0.2/full,6.12-$ks/8.0.2/minimal:6.12-$k/8.0.2/minimal"
info="6.12-$k/8.0.2/minimal/no-read-ahead:6.12-$k/8.0.2/minimal,6.1-$k/8.0.2/minimal/no-read-ahead:6.12-$k/8.0.2/minimal/no-read-ahead"
wide=()
if [ -n "$D612W" ]; then
	scaling="$scaling,6.12-wide-$k/9.0.2/full:6.12-wide-$kl/9.0.2/full"
	info="6.12-$k/9.0.2/full:6.12-wide-$k/9.0.2/full,$info"
	wide=("6.12-wide-$k/9.0.2/full,$D612W,$SID_CRASH,$SID_SO,,list"
	      "6.12-wide-$kl/9.0.2/full,$D612WL,$SID_CRASH,$SID_SO,,list")
fi
/usr/bin/python3 "$HERE/bench.py" --reps "$REPS" --out "$OUT" \
	--machine "$machine" \
	--scaling "$scaling" \
	--preadtime "$PREADTIME" \
	--per-area "6.1-$k/8.0.2/full:6.12-$k/8.0.2/full,6.1-$k/8.0.2/minimal:6.12-$k/8.0.2/minimal,6.1-$k/9.0.2/full:6.12-$k/9.0.2/full" \
	--per-area-info "$info" \
	"6.1-$k/8.0.2/full,$D61,/usr/bin/crash,$SO,,list+kmem+read+rd+page" \
	"6.1-$k/8.0.2/minimal,$D61,/usr/bin/crash,$SO,--minimal,list+read+page" \
	"6.1-$k/9.0.2/full,$D61,$SID_CRASH,$SID_SO,,list" \
	"6.12-$k/8.0.2/full,$D612,/usr/bin/crash,$SO,--no_modules,list" \
	"6.12-$k/9.0.2/full,$D612,$SID_CRASH,$SID_SO,,list+kmem+read+rd+page" \
	"6.12-$k/8.0.2/minimal,$D612,/usr/bin/crash,$SO,--minimal,list+read+page" \
	"6.12-$ks/9.0.2/full,$D612S,$SID_CRASH,$SID_SO,,list+kmem" \
	"6.12-$ks/8.0.2/minimal,$D612S,/usr/bin/crash,$SO,--minimal,list" \
	${wide[@]+"${wide[@]}"} \
	"6.1-$k/8.0.2/minimal/no-read-ahead,$D61,env VMAP_EXT_READAHEAD=0 /usr/bin/crash,$SO,--minimal,list" \
	"6.12-$k/8.0.2/minimal/no-read-ahead,$D612,env VMAP_EXT_READAHEAD=0 /usr/bin/crash,$SO,--minimal,list"
log "results in $OUT"
