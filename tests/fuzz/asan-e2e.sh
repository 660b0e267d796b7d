#!/bin/bash
# vmap_ext.so built with ASan and UBSan, run inside the real crash over the
# end-to-end suite (and the corruption suite's named cases): no sanitizer
# report may come from vmap_ext.
#
# The extension is built from the top-level Makefile's own source list and
# flags, with the sanitizers added to CC, into build/asan/vmap_ext.so.
# crash itself is not instrumented: gcc's libasan is LD_PRELOADed into it
# (the runtime must come first), through a wrapper given to the suites as
# VX_CRASH.  Every report goes to a file (log_path), so the suites' own
# verdicts are unchanged and no report can hide in a discarded log.
#
#   VX_ASAN_CORRUPT=0   skip the corruption suite (default: its named
#                       cases, no random sweep)
#   VX_E2E_KERNELS      kernels (default "6.1 6.12")
# Exit status: 0 only if both suites pass and no report names vmap_ext.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=build/asan
SO=$ROOT/$OUT/vmap_ext.so
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"

# -Wno-format-truncation: with the sanitizers gcc 12 sees a possible
# truncation of a node number in vx_summary.c, and CORE_CFLAGS has -Werror
make -s -C "$ROOT" BUILD="$OUT" SO="$OUT/vmap_ext.so" \
	CC="gcc $SAN -Wno-format-truncation" "$OUT/vmap_ext.so" || exit 1
ldd "$SO" | grep -q libasan || { echo "asan-e2e: $SO has no ASan" >&2;
				  exit 1; }

LIBASAN=$(gcc -print-file-name=libasan.so)
[ -e "$LIBASAN" ] || { echo "asan-e2e: no $LIBASAN" >&2; exit 1; }
LOGS=$(mktemp -d /tmp/vx-asan-e2e.XXXXXX)
# crash leaks by design (detect_leaks=0); its embedded gdb frees memory
# of its own operator new with free() (alloc_dealloc_mismatch=0); crash
# 8.0.2's x86_64_post_init() reads 8 KiB into a malloc(0) buffer on
# 6.2+ dumps (the start-up heap corruption tests/e2e/heapfix.c prevents
# elsewhere; this script's LD_PRELOAD replaces heapfix.so, and ASan's
# malloc would take its place anyway): ASan reports it and, with
# halt_on_error=0, lets crash go on, so full mode is judged there too.  Every report is in a
# file and judged below.
# UBSan's reports (and anything else on stderr) are also copied to a file
# per session: with libasan preloaded they do not follow log_path
cat >"$LOGS/crash" <<EOF
#!/bin/bash
echo "\$*" >>"$LOGS/sessions"
export LD_PRELOAD="$LIBASAN"
export ASAN_OPTIONS="detect_leaks=0:alloc_dealloc_mismatch=0:halt_on_error=0\
:print_cmdline=1:log_path=$LOGS/asan"
export UBSAN_OPTIONS="print_stacktrace=1"
exec /usr/bin/crash "\$@" 2> >(tee -a "$LOGS/stderr.\$\$" >&2)
EOF
chmod +x "$LOGS/crash"

rc=0
echo "asan-e2e: end-to-end suite with $SO (sanitizer logs in $LOGS)"
VX_SO="$SO" VX_CRASH="$LOGS/crash" VX_HOSTS=native VX_LABEL=asan \
	"$ROOT/tests/e2e/run.sh" || { echo "asan-e2e: e2e suite failed"; rc=1; }
if [ "${VX_ASAN_CORRUPT:-1}" != 0 ]; then
	echo "asan-e2e: corruption suite (named cases) with $SO"
	VX_SWEEP=0 VX_SO="$SO" "$ROOT/tests/corrupt/run.sh" \
		--crash "$LOGS/crash" | tail -n 1 ||
		{ echo "asan-e2e: corruption suite failed"; rc=1; }
fi

OURS='^ *#[0-9]+ .*(vmap_ext\.(so|c)|src/vx_[a-z_]+\.c)'
OURS+='|(^|/)(src/vx_[a-z_]+|vmap_ext)\.c:[0-9]+:[0-9]+: runtime error'
sessions=$(wc -l <"$LOGS/sessions" 2>/dev/null || echo 0)
ours=0
theirs=0
for f in "$LOGS"/asan.* "$LOGS"/stderr.*; do
	[ -e "$f" ] || continue
	case $f in
	*/stderr.*)
		grep -qE 'runtime error|Sanitizer' "$f" || continue ;;
	esac
	# a report with a stack frame in vmap_ext (the .so, its sources), or
	# UBSan's at a line of them, is ours
	if grep -qE "$OURS" "$f"; then
		ours=$((ours + 1))
		echo "asan-e2e: REPORT FROM vmap_ext: $f"
		grep -m1 -B2 -A12 -E 'ERROR: AddressSanitizer|runtime error' "$f"
	else
		theirs=$((theirs + 1))
		echo "asan-e2e: report in crash's own code (not vmap_ext): $f:"
		grep -m1 -E 'ERROR|runtime error' "$f" | cut -c1-160
	fi
done
echo "asan-e2e: $sessions crash sessions under ASan+UBSan, $ours report(s)" \
	"from vmap_ext, $theirs from crash itself"
[ "$ours" = 0 ] || rc=1
# crash's own reports were summed up above: keep the logs only on failure
[ $rc = 0 ] && rm -rf "$LOGS"
exit $rc
