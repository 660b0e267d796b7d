#!/bin/bash
# End-to-end tests: build (or reuse) each fixture kernel and dump, then run
# crash with vmap_ext.so on it, in full mode and with --minimal, on each
# host (Debian 12's own crash, and crash of newer Debian suites in cached
# chroots, the extension built against each one's defs.h), and judge the
# output (check.py).  Then a session whose dump file is cut short under
# it (truncated.py), on the first dump and the first workload dump.
# (interrupt.py, Ctrl-C during listings, is opt-in: make interrupt.)
#   VX_E2E_KERNELS  kernels to test (default "6.1 6.12 7.2 6.12-tiny
#                   6.12-kaslr 6.12-wide 6.12@5000"); KERNEL@N: its
#                   benchmark workload dump with N areas more (VX_SCALE),
#                   where walks are long enough for the read-ahead thread
#   VX_HOSTS        hosts (default "native sid"; also "trixie")
#   VX_JOBS         sessions at a time (default: the number of CPUs)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
KERNELS=${VX_E2E_KERNELS:-"6.1 6.12 7.2 6.12-tiny 6.12-kaslr 6.12-wide 6.12@5000"}
HOSTS=${VX_HOSTS:-"native sid"}
rc=0

dumps=()
for v in $KERNELS; do
	dir=$("$HERE/mkfixture.sh" "$v" | tail -n 1)
	[ -f "$dir/vmcore" ] || { echo "e2e: no dump for $v" >&2; exit 1; }
	dumps+=("$v=$dir")
done

# the layouts must not depend on how libdw was given the DWARF
agree=$(mktemp)
gcc -std=gnu11 -O2 -Wall -Wextra -I"$ROOT/include" -o "$agree" \
	"$HERE/dwarf_agree.c" "$ROOT/src/vx_dwarf.c" -ldw -lelf
for entry in "${dumps[@]}"; do
	kdir=$(dirname "$(readlink -f "${entry#*=}/vmlinux")")
	echo -n "${entry%%=*}: "
	"$agree" "$kdir/vmlinux" "$kdir/System.map" || rc=1
done
rm -f "$agree"

# one job per (host, kernel): full mode, --minimal and their comparison;
# VX_JOBS of them at a time (default: the number of CPUs), reported in order
session() { # $1 host label, $2 crash, $3 so, $4 kernel=dumpdir
	local v=${4%%=*} dir=${4#*=} label rc=0 cmp_dir kf
	label="$v/$1"
	# Full mode.  crash 8.0.2 predates the 6.4 module layout, so 6.4+
	# kernels with modules may need --no_modules; on 6.2+ it also
	# damages its own heap in its start-up (check.py preloads
	# heapfix.c into it there, and retries a start-up that dies).  The -tiny variant (SLUB_TINY) is one crash opens in
	# full mode only with --no_kmem_cache.
	# crash finds a QEMU dump's KASLR offset only when told to look
	kf=""
	case $v in *-kaslr) kf=" --kaslr=auto" ;; esac
	# One of each pair reads the dump through crash's readmem instead
	# of directly from the file (VMAP_EXT_READMEM): natively --minimal,
	# on the other hosts full mode, so the comparison below holds the
	# two ways of reading against each other in both modes.
	local readmem_full= readmem_min=1
	[ "$1" = native ] || { readmem_full=1; readmem_min=; }
	# The one that reads directly has, in walks past 256 areas (the
	# 6.12@5000 workload), a read-ahead thread, here waited for on every
	# miss so that the pages come from it however busy the machine is:
	# the comparison holds it against the other's own reads.
	export VMAP_EXT_READAHEAD=wait
	cmp_dir=$(mktemp -d)
	VMAP_EXT_READMEM=$readmem_full \
	/usr/bin/python3 "$HERE/check.py" "$dir" "$3" --crash "$2" \
		--flags="$kf|--no_modules$kf|--no_modules --no_kmem_cache$kf" \
		--retries 4 \
		--allow-startup-failure --label "$label" \
		--save "$cmp_dir/full" || rc=1
	# --minimal translates no vmalloc address: vmap walks the page
	# tables itself and must give the same answers
	VMAP_EXT_READMEM=$readmem_min \
	/usr/bin/python3 "$HERE/check.py" "$dir" "$3" --crash "$2" \
		--flags="--minimal$kf" --label "$label/minimal" \
		--save "$cmp_dir/minimal" || rc=1
	# ... the very same: vmap list, its summary and every read
	if [ -f "$cmp_dir/full/list.txt" ]; then
		if diff -r "$cmp_dir/full" "$cmp_dir/minimal" >"$cmp_dir/diff"; then
			echo "$label: full mode and --minimal agree on vmap list," \
				"vmap list -s and $(ls "$cmp_dir/full" | grep -c '\.bin$') reads"
		else
			echo "$label: FAIL: full mode and --minimal differ:"
			head -n 20 "$cmp_dir/diff" | sed 's/^/    /'
			rc=1
		fi
	fi
	rm -rf "$cmp_dir"
	return $rc
}

jobs_dir=$(mktemp -d)
trap 'rm -rf "$jobs_dir"' EXIT
max_jobs=${VX_JOBS:-$(nproc)}
n=0
for host in $HOSTS; do
	if [ "$host" = native ]; then
		crash=${VX_CRASH:-/usr/bin/crash}
		so=${VX_SO:-$ROOT/vmap_ext.so}
		[ -f "$so" ] || make -s -C "$ROOT" vmap_ext.so
	else
		chroot_dir=$("$ROOT/tests/hosts/mkchroot.sh" "$host" | tail -n 1)
		so=$ROOT/build/$host/vmap_ext.so
		# built inside the chroot, against that crash's own defs.h
		"$ROOT/tests/hosts/in-chroot.sh" "$chroot_dir" make -s -C "$ROOT" \
			BUILD="build/$host" SO="$so" "$so"
		crash="$ROOT/tests/hosts/crash-in-chroot.sh $chroot_dir"
	fi
	for entry in "${dumps[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "$max_jobs" ]; do wait -n || true; done
		n=$((n + 1))
		( session "$host" "$crash" "$so" "$entry" >"$jobs_dir/$n.out" 2>&1
		  echo $? >"$jobs_dir/$n.rc" ) &
	done
done
wait
for i in $(seq 1 $n); do
	cat "$jobs_dir/$i.out"
	[ "$(cat "$jobs_dir/$i.rc" 2>/dev/null)" = 0 ] || rc=1
done
# the dump file cut short under a session: errors, and crash goes on;
# also on the first workload dump, where the read-ahead thread is reading
# the file when it is cut
if [[ " $HOSTS " == *" native "* ]]; then
	cut=("${dumps[0]}")
	for entry in "${dumps[@]}"; do
		case ${entry%%=*} in *@*) cut+=("$entry"); break ;; esac
	done
	for entry in "${cut[@]}"; do
		VMAP_EXT_READAHEAD=wait /usr/bin/python3 "$HERE/truncated.py" \
			"${entry#*=}" "${VX_SO:-$ROOT/vmap_ext.so}" \
			--crash "${VX_CRASH:-/usr/bin/crash}" \
			--flags="$(case ${entry%%=*} in 6.1) ;; *) echo --minimal ;; esac)" \
			|| rc=1
	done
fi
exit $rc
