#!/bin/bash
# tests/distro/run.sh: opt-in end-to-end test on Debian's real 6.12 kernel.
#
# 1. fetch (or reuse) Debian's linux-image-<ver>-amd64-unsigned bzImage and
#    the DWARF 5 vmlinux of its -dbg package (apt-get download, nothing is
#    installed on the host; only those two files are kept);
# 2. boot the bzImage under QEMU (TCG, 4 vCPUs, 1 GiB) with a busybox
#    initramfs that prints /proc/vmallocinfo and /proc/meminfo, and dump
#    guest memory over QMP (paging=false);
# 3. judge vmap_ext.so inside Debian 12's /usr/bin/crash on that dump, in
#    full mode (--no_modules, retried: crash 8.0.2 sometimes aborts in its
#    own start-up on 6.12) and with --minimal (tests/distro/judge.py).
#
# Env: VX_CACHE (default /var/cache/vmap_ext)
#      VX_DISTRO_KVER   kernel ABI, e.g. 6.12.107+deb12-amd64 (default: the
#                       newest 6.12.N+deb12-amd64 apt knows)
#      VX_DISTRO_FRESH=1  boot and dump again even if a cached dump exists
#      VX_DISTRO_KASLR=1  boot without nokaslr (KASLR and randomized memory
#                       bases, as on a real machine); its own cached dump
#      VX_BOOT_TIMEOUT  seconds to wait for the guest (default 300)
#      VX_DISTRO_MODES  modes to judge (default "full minimal"; "none":
#                       fetch and dump only)
#      VX_DISTRO_HOSTS  crash builds to judge with (default "native":
#                       Debian 12's /usr/bin/crash 8.0.2; add "sid" for
#                       crash 9.0.2 in the chroot of tests/hosts)
#      VX_CRASH         native crash binary (default /usr/bin/crash)
#      VX_SO            native extension (default: make vmap_ext.so)
# Prints the dump directory, one summary line per mode and the timings.
# Exit status: 0 if every judged mode passed (full mode may be NOT JUDGED
# when crash never starts; --minimal must be judged and pass).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
VX_CACHE=${VX_CACHE:-/var/cache/vmap_ext}
BOOT_TIMEOUT=${VX_BOOT_TIMEOUT:-300}
MODES=${VX_DISTRO_MODES:-full minimal}
KASLR=${VX_DISTRO_KASLR:-0}
HOSTS=${VX_DISTRO_HOSTS:-native}
CRASH=${VX_CRASH:-/usr/bin/crash}
export LC_ALL=C

log() { echo "distro: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
TIMES=()
timing() { TIMES+=("$(printf '%-28s %5d s' "$1" "$2")"); }

[ "$(id -u)" -eq 0 ] || die "run as root (apt-get)"

# ---- tools ----------------------------------------------------------------
# shellcheck source=tests/e2e/pkgs.sh
. "$ROOT/tests/e2e/pkgs.sh"
ensure_pkgs qemu-system-x86 busybox-static crash python3 cpio gzip xz-utils \
	binutils
PY=/usr/bin/python3

# ---- which kernel ------------------------------------------------------------
pick_kver() {
	apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' |
		awk '{ print $1 }' | sed -e 's/^linux-image-//' -e 's/-unsigned$//' |
		sort -V | tail -n 1
}
KVER=${VX_DISTRO_KVER:-}
if [ -z "$KVER" ]; then
	KVER=$(pick_kver)
	if [ -z "$KVER" ]; then
		apt_get update -qq >&2
		KVER=$(pick_kver)
	fi
fi
[ -n "$KVER" ] || die "apt knows no linux-image-6.12.*+deb12-amd64-unsigned (apt-get update?)"
IMG=linux-image-$KVER-unsigned
DBG=linux-image-$KVER-dbg
pkgver() { apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1; }
PKGVER=$(pkgver "$IMG")
[ -n "$PKGVER" ] || die "apt has no $IMG"
[ "$(pkgver "$DBG")" = "$PKGVER" ] || die "apt has $DBG $(pkgver "$DBG"), not $PKGVER"
ENTRY="$VX_CACHE/distro-${KVER}_$PKGVER"
log "kernel $KVER, packages $PKGVER"

mkdir -p "$VX_CACHE"
exec 9>"$VX_CACHE/.distro.lock"
if ! flock -n 9; then
	log "waiting for another run (lock $VX_CACHE/.distro.lock)"
	flock 9
fi

# ---- 1. the kernel and its debug vmlinux -------------------------------------
fetch() {
	local tmp t deb ko st
	rm -rf "$VX_CACHE"/.tmp-distro-"$KVER"_* 2>/dev/null || true
	tmp="$VX_CACHE/.tmp-distro-${KVER}_$PKGVER.$$"
	mkdir -p "$tmp/debs" "$tmp/x"
	# apt's download sandbox user must be able to write there
	id _apt >/dev/null 2>&1 && chown _apt "$tmp/debs"
	log "downloading $IMG and $DBG $PKGVER (about 1.1 GB)"
	t=$SECONDS
	(cd "$tmp/debs" && apt-get download -q "$IMG=$PKGVER" "$DBG=$PKGVER") >&2 ||
		die "apt-get download failed"
	timing "download" $((SECONDS - t))
	du -sh "$tmp/debs"/*.deb >&2

	log "extracting /boot/vmlinuz-$KVER, qemu_fw_cfg.ko and /usr/lib/debug/boot/vmlinux-$KVER"
	t=$SECONDS
	deb=$(ls "$tmp/debs/${IMG}_"*.deb)
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$tmp/x" --wildcards './boot/vmlinuz-*' \
			'./lib/modules/*/qemu_fw_cfg.ko*' ||
		die "no /boot/vmlinuz-* or qemu_fw_cfg.ko in $deb"
	# the one module the guest loads: it hands VMCOREINFO to QEMU
	ko=$(find "$tmp/x/lib/modules" -name 'qemu_fw_cfg.ko*' | head -n 1)
	case $ko in
		*.ko) mv "$ko" "$tmp/qemu_fw_cfg.ko" ;;
		*.ko.xz) xz -dc "$ko" >"$tmp/qemu_fw_cfg.ko" ;;
		*.ko.gz) gzip -dc "$ko" >"$tmp/qemu_fw_cfg.ko" ;;
		*.ko.zst) zstd -qdc "$ko" >"$tmp/qemu_fw_cfg.ko" ;;
		*) die "cannot unpack $ko" ;;
	esac
	# the vmlinux is near the start of the 6.7 GB payload: tar stops once
	# it has it (--occurrence) and dpkg-deb dies of SIGPIPE, which is fine;
	# tar's status says whether the member came out whole
	deb=$(ls "$tmp/debs/${DBG}_"*.deb)
	st=0
	set +o pipefail
	dpkg-deb --fsys-tarfile "$deb" 2>/dev/null |
		tar -x -C "$tmp/x" --occurrence=1 "./usr/lib/debug/boot/vmlinux-$KVER" || st=$?
	set -o pipefail
	[ $st -eq 0 ] || die "no /usr/lib/debug/boot/vmlinux-$KVER in $deb"
	mv "$tmp/x/boot/vmlinuz-$KVER" "$tmp/vmlinuz" ||
		die "no /boot/vmlinuz-$KVER in $IMG"
	mv "$tmp/x/usr/lib/debug/boot/vmlinux-$KVER" "$tmp/vmlinux"
	rm -rf "$tmp/x" "$tmp/debs"
	timing "extract" $((SECONDS - t))
	readelf -S -W "$tmp/vmlinux" | grep -q ' \.debug_info ' ||
		die "debug vmlinux has no .debug_info"
	{
		echo "kernel=$KVER"
		echo "packages=$IMG $DBG $PKGVER"
		echo "fetched=$(date -u +%FT%TZ)"
	} >"$tmp/packages.txt"
	mv -T "$tmp" "$ENTRY"
}
if [ -f "$ENTRY/vmlinux" ] && [ -f "$ENTRY/vmlinuz" ] && [ -f "$ENTRY/qemu_fw_cfg.ko" ]; then
	log "reusing $ENTRY"
else
	rm -rf "$ENTRY"
	fetch
fi

# ---- 2. boot and dump --------------------------------------------------------
# shellcheck source=tests/e2e/guest.sh
. "$ROOT/tests/e2e/guest.sh"
section() {
	awk -v b="#== $1-BEGIN ==" -v e="#== $1-END ==" \
		'$0 == b { f = 1 } f && !/^[ \t]*(#|$)/ { print } $0 == e { f = 0 }' "$SELF"
}
KEY=$({
	echo "busybox=$("$BUSYBOX" 2>&1 | head -n1)"
	echo "qemu=$("$QEMU" --version | head -n1)"
	echo "qemu_fw_cfg.ko=$(sha256sum <"$ENTRY/qemu_fw_cfg.ko")"
	echo "--- init.sh"; cat "$ROOT/tests/e2e/init.sh"
	echo "--- guest.sh"; cat "$ROOT/tests/e2e/guest.sh"
	echo "--- boot"; section BOOT
	echo "kaslr=$KASLR"
} | sha256sum | cut -c1-12)
DDIR="$ENTRY/dump-$KEY"

#== BOOT-BEGIN ==
# nokaslr by default; VX_DISTRO_KASLR=1 boots as a real machine does, with
# the kernel image and the direct map, vmalloc and vmemmap bases randomized
QEMU_APPEND="console=ttyS0 no_hash_pointers panic=-1"
[ "$KASLR" = 1 ] || QEMU_APPEND="console=ttyS0 nokaslr no_hash_pointers panic=-1"

make_dump() {
	local tmp sec
	tmp="$ENTRY/.tmp-dump-$KEY.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	guest_initramfs "$tmp/initramfs.cpio.gz" "$ENTRY/qemu_fw_cfg.ko"
	guest_boot_dump "$ENTRY/vmlinuz" "$tmp/initramfs.cpio.gz" "$tmp" 1G \
		"$BOOT_TIMEOUT" "$QEMU_APPEND" || die "boot and dump of $KVER failed"
	timing "boot (to VXFIX-READY)" "$(cat "$tmp/boot-seconds")"
	timing "dump (QMP, 1 GiB)" "$(cat "$tmp/dump-seconds")"
	for sec in VMALLOCINFO MEMINFO MODULES UNAME CMDLINE; do
		guest_section "$sec" "$tmp/console.log" \
			>"$tmp/$(echo "$sec" | tr '[:upper:]' '[:lower:]').txt"
	done
	mv "$tmp/uname.txt" "$tmp/version"
	ln -s ../vmlinux "$tmp/vmlinux"
	[ "$(cat "$tmp/version")" = "$KVER" ] ||
		die "guest runs '$(cat "$tmp/version")', not $KVER ($tmp/console.log)"
	if [ "$KASLR" = 1 ]; then
		! grep -qw nokaslr "$tmp/cmdline.txt" || die "guest command line has nokaslr"
	else
		grep -qw nokaslr "$tmp/cmdline.txt" || die "guest command line lacks nokaslr"
	fi
	echo "kaslr=$KASLR" >"$tmp/variant"
	[ -s "$tmp/vmallocinfo.txt" ] || die "empty vmallocinfo ($tmp/console.log)"
	mv -T "$tmp" "$DDIR"
}
#== BOOT-END ==

if [ "${VX_DISTRO_FRESH:-0}" != 1 ] && [ -f "$DDIR/vmcore" ] && [ -f "$DDIR/vmallocinfo.txt" ]; then
	log "reusing dump $DDIR"
else
	rm -rf "$ENTRY"/.tmp-dump-* 2>/dev/null || true
	rm -rf "$DDIR"
	make_dump
	# a dump is 1 GiB: drop those of earlier keys (init.sh, QEMU, busybox)
	for d in "$ENTRY"/dump-*; do
		[ "$d" = "$DDIR" ] && continue
		# ... of this variant (with or without KASLR) only
		[ "$(cat "$d/variant" 2>/dev/null || echo kaslr=0)" = "kaslr=$KASLR" ] &&
			rm -rf "$d"
	done
fi
log "dump: $DDIR ($(grep -c '^0x' "$DDIR/vmallocinfo.txt") vmallocinfo rows)"

# ---- 3. judge vmap in crash ---------------------------------------------------
# native: Debian 12's crash 8.0.2.  Full mode needs --no_modules (8.0.2
# predates the 6.4 module layout and the guest has qemu_fw_cfg loaded) and
# may never get through its own start-up on 6.12: then full mode is NOT
# JUDGED.  --minimal must start and pass.
# sid (opt-in, VX_DISTRO_HOSTS="native sid"): crash 9.0.2 in the cached
# chroot of tests/hosts, the extension built against its defs.h; it opens
# this dump in full mode with modules, so both modes must pass there.
# crash finds a QEMU dump's KASLR offset only when told to look for it
KFLAGS=""
[ "$KASLR" = 1 ] && KFLAGS=" --kaslr=auto"
rc=0
summaries=()
judge() { # $1 = host label, $2 = crash, $3 = .so, $4 = mode, $5... = judge.py options
	local host=$1 crash=$2 so=$3 mode=$4 t out
	shift 4
	t=$SECONDS
	out=$("$PY" "$HERE/judge.py" "$DDIR" "$so" --mode "$mode" --crash "$crash" \
		--label "$KVER/$host/$mode" "$@") || rc=1
	echo "$out" >&2
	summaries+=("$(echo "$out" | grep -m1 "^$KVER/$host/$mode:" || echo "$KVER/$host/$mode: no result")")
	timing "crash $host $mode" $((SECONDS - t))
}
for host in $HOSTS; do
	case $host in
	native)
		so=${VX_SO:-}
		if [ -z "$so" ]; then
			t=$SECONDS
			make -s -C "$ROOT" vmap_ext.so >&2 || die "building vmap_ext.so failed"
			so=$ROOT/vmap_ext.so
			timing "make vmap_ext.so" $((SECONDS - t))
		fi
		for mode in $MODES; do
			case $mode in
			full) judge native "$CRASH" "$so" full \
				--flags="--no_modules$KFLAGS" \
				--retries 6 --allow-startup-failure ;;
			minimal) judge native "$CRASH" "$so" minimal \
				--flags="--minimal$KFLAGS" --retries 2 ;;
			none) ;;	# VX_DISTRO_MODES=none: fetch and dump only
			*) die "unknown mode $mode" ;;
			esac
		done
		;;
	none) ;;
	*)
		t=$SECONDS
		chroot_dir=$("$ROOT/tests/hosts/mkchroot.sh" "$host" | tail -n 1)
		so=$ROOT/build/$host/vmap_ext.so
		"$ROOT/tests/hosts/in-chroot.sh" "$chroot_dir" make -s -C "$ROOT" \
			BUILD="build/$host" SO="$so" "$so" >&2 ||
			die "building $so in $chroot_dir failed"
		timing "chroot + make ($host)" $((SECONDS - t))
		crash="$ROOT/tests/hosts/crash-in-chroot.sh $chroot_dir"
		for mode in $MODES; do
			case $mode in
			full) judge "$host" "$crash" "$so" full --flags="$KFLAGS" \
				--retries 2 ;;
			minimal) judge "$host" "$crash" "$so" minimal \
				--flags="--minimal$KFLAGS" --retries 2 ;;
			none) ;;
			*) die "unknown mode $mode" ;;
			esac
		done
		;;
	esac
done

{
	echo "timings:"
	printf '  %s\n' "${TIMES[@]}"
	echo "disk: $(du -sh "$ENTRY/vmlinux" | cut -f1) vmlinux, $(du -sh "$ENTRY/vmlinuz" | cut -f1) vmlinuz, $(du -sh --apparent-size "$DDIR/vmcore" | cut -f1) vmcore; entry $(du -sh "$ENTRY" | cut -f1)"
} >&2
printf '%s\n' "${TIMES[@]}" >"$DDIR/timings-$(date -u +%Y%m%dT%H%M%SZ).txt" 2>/dev/null || true
echo "$DDIR"
printf '%s\n' "${summaries[@]}"
exit $rc
