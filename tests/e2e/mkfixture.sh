#!/bin/bash
# mkfixture.sh VERSION [TARBALL]
#
# Builds (or reuses) a tinyconfig kernel with the vx_fixture driver, boots it
# in QEMU (TCG), dumps guest memory over QMP and leaves a dump directory with
#   vmlinux vmcore console.log vmallocinfo.txt meminfo.txt manifest.txt version
# (plus bzImage, initramfs.cpio.gz, qemu-cmdline.txt, check.txt, crash-check.txt).
# The dump directory is printed as the last line of stdout; progress goes to
# stderr.
#
# VERSION  6.1 | 6.12 | 7.2 (any other version works given its tarball),
#          optionally with a variant suffix: 6.12-tiny = SLUB_TINY and no
#          module support (full-mode crash 8.0.2 cannot open it);
#          6.12-kaslr = KASLR and randomized memory bases, booted without
#          nokaslr (crash needs --kaslr=auto); 6.12-wide = NR_CPUS=128,
#          128 CPUs of which maxcpus=4 come up (128 vmap nodes);
#          VERSION@N = its benchmark workload dump, as VX_SCALE=N
# TARBALL  default: /usr/src/linux-source-$VERSION.tar.xz (env VX_TARBALL too),
#          from this machine's linux-source-$VERSION package, or else (7.2 on
#          Debian 12) from sid's, via tests/hosts/get-source.sh
# Env:     VX_CACHE (default /var/cache/vmap_ext), VX_BOOT_TIMEOUT (180 s;
#          900 s with VX_SCALE), VX_SKIP_CRASH=1 (skip the crash check),
#          VX_KEEP_BUILD=1 (keep the build tree after a successful build),
#          VX_DWARF=4|5 (override the DWARF version; part of the cache key),
#          VX_SCALE=N (benchmark workload: vx_fixture.scale=N on the kernel
#          command line, -m 2G; part of the dump key only, same kernel),
#          VX_CACHE_KEEP=N (dumps kept of this variant and scale, the N
#          used last: 2).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"

usage() { echo "usage: $0 VERSION [TARBALL]   (VERSION: 6.1, 6.12, ...)" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
VERSION=$1
case $VERSION in *@*) VX_SCALE=${VERSION#*@}; VERSION=${VERSION%@*} ;; esac
VARIANT=""
case $VERSION in
	[0-9]*.[0-9]*-tiny) VARIANT=tiny; VERSION=${VERSION%-tiny} ;;
	[0-9]*.[0-9]*-kaslr) VARIANT=kaslr; VERSION=${VERSION%-kaslr} ;;
	[0-9]*.[0-9]*-wide) VARIANT=wide; VERSION=${VERSION%-wide} ;;
	[0-9]*.[0-9]*-*) usage ;;
	[0-9]*.[0-9]*) ;;
	*) usage ;;
esac
LABEL=$VERSION${VARIANT:+-$VARIANT}	# names the cache entries
TARBALL=${2:-${VX_TARBALL:-/usr/src/linux-source-$VERSION.tar.xz}}
VX_CACHE=${VX_CACHE:-/var/cache/vmap_ext}
SCALE=${VX_SCALE:-0}
case $SCALE in
	''|*[!0-9]*) echo "VX_SCALE must be a number" >&2; exit 2 ;;
esac
SCALE=$((10#$SCALE))
if [ "$SCALE" -gt 0 ]; then
	BOOT_TIMEOUT=${VX_BOOT_TIMEOUT:-900}
else
	BOOT_TIMEOUT=${VX_BOOT_TIMEOUT:-180}
fi
export LC_ALL=C

log() { echo "mkfixture[$LABEL]: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---- tools (installed quietly and idempotently when missing) ----------------
# shellcheck source=tests/e2e/pkgs.sh
. "$HERE/pkgs.sh"
ensure_pkgs build-essential flex bison bc libelf-dev libssl-dev cpio xz-utils \
	gzip qemu-system-x86 busybox-static crash python3
# Source: this machine's linux-source-$VERSION package if its apt knows it,
# else the package of Debian sid (tests/hosts/get-source.sh, cached in
# $VX_CACHE/src with its package version beside it).
SRC_PKGVER=""
if [ ! -f "$TARBALL" ] && [ -z "${2:-}${VX_TARBALL:-}" ]; then
	if apt-cache show --no-all-versions "linux-source-$VERSION" 2>/dev/null | grep -q '^Version:'; then
		ensure_pkgs "linux-source-$VERSION"
	elif T=$("$ROOT/tests/hosts/get-source.sh" "$VERSION" | tail -n 1) && [ -f "$T" ] &&
		[ -s "${T%.tar.xz}.version" ]; then
		TARBALL=$T
		SRC_PKGVER=$(cat "${T%.tar.xz}.version")
	else
		log "sid has no linux-source-$VERSION; trying this machine's apt after an update"
		ensure_pkgs "linux-source-$VERSION"
	fi
fi
[ -f "$TARBALL" ] || die "kernel tarball not found: $TARBALL"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

mkdir -p "$VX_CACHE"
exec 9>"$VX_CACHE/.lock"
if ! flock -n 9; then
	log "waiting for another mkfixture.sh run (lock $VX_CACHE/.lock)"
	flock 9
fi

# Print the lines of this script between '#== NAME-BEGIN ==' and
# '#== NAME-END ==' (they are part of the cache keys), without comment-only
# and empty lines, so that editing comments does not invalidate the cache.
section() {
	awk -v b="#== $1-BEGIN ==" -v e="#== $1-END ==" \
		'$0 == b { f = 1 } f && !/^[ \t]*(#|$)/ { print } $0 == e { f = 0 }' "$SELF"
}
short_sha() { sha256sum | cut -c1-12; }

# ---- cache keys -----------------------------------------------------------
if PKGVER=$(dpkg-query -W -f='${Version}' "linux-source-$VERSION" 2>/dev/null) &&
	[ -n "$PKGVER" ] && [ "$TARBALL" = "/usr/src/linux-source-$VERSION.tar.xz" ]; then
	SRCID="linux-source-$VERSION $PKGVER"
elif [ -n "$SRC_PKGVER" ]; then
	SRCID="linux-source-$VERSION $SRC_PKGVER"	# Debian package of another suite
else
	SRCID="tarball $(sha256sum <"$TARBALL" | cut -d' ' -f1)"
fi
GCCVER=$(gcc --version | head -n1)
KEY=$({
	echo "version=$VERSION"
	echo "source=$SRCID"
	echo "gcc=$GCCVER"
	echo "dwarf_override=${VX_DWARF:-}"
	[ -n "$VARIANT" ] && echo "variant=$VARIANT"
	[ "$VARIANT" = kaslr ] && { echo "--- kaslr"; section KASLR; }
	[ "$VARIANT" = wide ] && { echo "--- wide"; section WIDE; }
	echo "--- kconfig.fragment"; cat "$HERE/kconfig.fragment"
	echo "--- vx_fixture.c"; cat "$HERE/vx_fixture.c"
	echo "--- vx_fixture_mod.c"; cat "$HERE/vx_fixture_mod.c"
	echo "--- build"; section BUILD
} | short_sha)
KDIR="$VX_CACHE/kernel-$LABEL-$KEY"

#== BUILD-BEGIN ==
# DWARF version per kernel: 6.1 -> DWARF4, 6.12 and later -> DWARF5
case $VERSION in
	6.1) DWARF=4 ;;
	*) DWARF=5 ;;
esac
DWARF=${VX_DWARF:-$DWARF}	# override (does not make crash 8.0.2 open 6.12)
# reproducible banner: no build host, user or date in vmlinux
export KBUILD_BUILD_USER=vmap_ext KBUILD_BUILD_HOST=fixture
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2015" KBUILD_BUILD_VERSION=1
# options that must be in .config after olddefconfig
REQUIRED_CONFIG=(
	CONFIG_64BIT=y CONFIG_SMP=y CONFIG_NR_CPUS=8 CONFIG_MMU=y
	CONFIG_X86_LOCAL_APIC=y CONFIG_X86_IO_APIC=y CONFIG_ACPI=y CONFIG_PCI=y
	CONFIG_HPET_TIMER=y CONFIG_SERIAL_8250=y CONFIG_SERIAL_8250_CONSOLE=y
	CONFIG_TTY=y CONFIG_PRINTK=y CONFIG_BLK_DEV_INITRD=y CONFIG_RD_GZIP=y
	CONFIG_PROC_FS=y CONFIG_PROC_SYSCTL=y CONFIG_SYSFS=y CONFIG_DEVTMPFS=y
	CONFIG_PROC_KCORE=y CONFIG_BINFMT_ELF=y CONFIG_BINFMT_SCRIPT=y
	CONFIG_KALLSYMS=y CONFIG_KALLSYMS_ALL=y CONFIG_DEBUG_KERNEL=y
	CONFIG_DEBUG_INFO=y "CONFIG_DEBUG_INFO_DWARF$DWARF=y"
	CONFIG_SLUB=y CONFIG_VMAP_STACK=y CONFIG_FW_CFG_SYSFS=y
	CONFIG_VX_FIXTURE=y
)
# options that must NOT be set
FORBIDDEN_CONFIG=(
	CONFIG_RANDOMIZE_BASE CONFIG_SLOB CONFIG_DEBUG_INFO_REDUCED
	CONFIG_DEBUG_INFO_NONE CONFIG_X86_5LEVEL
)
case $VARIANT in
tiny)	# the kernel full-mode crash 8.0.2 cannot open (issue #4)
	VARIANT_FRAGMENT=$'# CONFIG_MODULES is not set\nCONFIG_SLUB_TINY=y'
	REQUIRED_CONFIG+=(CONFIG_SLUB_TINY=y)
	FORBIDDEN_CONFIG+=(CONFIG_MODULES)
	MAKE_TARGETS="vmlinux bzImage" ;;
*)	# with a loaded module (tests/e2e/vx_fixture_mod.c)
	VARIANT_FRAGMENT=$'CONFIG_MODULES=y\nCONFIG_VX_FIXTURE_MOD=m'
	REQUIRED_CONFIG+=(CONFIG_MODULES=y CONFIG_VX_FIXTURE_MOD=m)
	FORBIDDEN_CONFIG+=(CONFIG_SLUB_TINY)
	MAKE_TARGETS="vmlinux bzImage modules" ;;
esac

build_kernel() {
	local work="$VX_CACHE/build-$LABEL-$KEY" src blog tmp opt bad=()
	src="$work/src"
	blog="$work/build.log"
	mkdir -p "$work"
	if [ ! -f "$work/.extracted" ]; then
		log "extracting $TARBALL"
		rm -rf "$src"
		mkdir -p "$src"
		tar -xf "$TARBALL" -C "$src" --strip-components=1
		touch "$work/.extracted"
	fi
	# the fixture driver, built in via its own Kconfig symbol
	cp "$HERE/vx_fixture.c" "$HERE/vx_fixture_mod.c" "$src/drivers/misc/"
	if ! grep -q '^config VX_FIXTURE$' "$src/drivers/misc/Kconfig"; then
		printf '\nconfig VX_FIXTURE\n\tbool "vmap_ext dump fixture (vmalloc/vmap/vm_map_ram areas)"\n\thelp\n\t  Test driver for vmap_ext kernel-dump fixtures.\n' \
			>>"$src/drivers/misc/Kconfig"
		printf '\nconfig VX_FIXTURE_MOD\n\ttristate "vmap_ext dump fixture module"\n\tdepends on MODULES\n' \
			>>"$src/drivers/misc/Kconfig"
	fi
	if ! grep -q 'vx_fixture\.o' "$src/drivers/misc/Makefile"; then
		echo 'obj-$(CONFIG_VX_FIXTURE) += vx_fixture.o' >>"$src/drivers/misc/Makefile"
		echo 'obj-$(CONFIG_VX_FIXTURE_MOD) += vx_fixture_mod.o' >>"$src/drivers/misc/Makefile"
	fi

	log "configuring (tinyconfig + kconfig.fragment + DWARF$DWARF, olddefconfig)"
	: >"$blog"
	(
		cd "$src"
		make -s ARCH=x86_64 tinyconfig
		echo "CONFIG_DEBUG_INFO_DWARF$DWARF=y" >"$work/version.fragment"
		echo "$VARIANT_FRAGMENT" >>"$work/version.fragment"
		./scripts/kconfig/merge_config.sh -m -O . .config \
			"$HERE/kconfig.fragment" "$work/version.fragment"
		make -s ARCH=x86_64 olddefconfig
	) >>"$blog" 2>&1 || { tail -n 40 "$blog" >&2; die "kernel configuration failed (log: $blog)"; }
	for opt in "${REQUIRED_CONFIG[@]}"; do
		grep -qx -- "$opt" "$src/.config" || bad+=("missing $opt")
	done
	for opt in "${FORBIDDEN_CONFIG[@]}"; do
		grep -q "^$opt=" "$src/.config" && bad+=("unwanted $opt")
	done
	if [ ${#bad[@]} -gt 0 ]; then
		printf '  %s\n' "${bad[@]}" >&2
		die "kernel .config does not have the required options ($src/.config)"
	fi

	log "building $MAKE_TARGETS with -j$(nproc) (log: $blog)"
	local t0=$SECONDS
	# shellcheck disable=SC2086
	if ! (cd "$src" && make -s ARCH=x86_64 -j"$(nproc)" $MAKE_TARGETS) >>"$blog" 2>&1; then
		tail -n 60 "$blog" >&2
		die "kernel build failed (log: $blog)"
	fi
	log "kernel built in $((SECONDS - t0)) s"

	tmp="$VX_CACHE/.tmp-kernel-$LABEL-$KEY.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	cp "$src/vmlinux" "$src/System.map" "$src/.config" "$tmp/"
	cp "$src/arch/x86/boot/bzImage" "$tmp/bzImage"
	if [ -f "$src/drivers/misc/vx_fixture_mod.ko" ]; then
		cp "$src/drivers/misc/vx_fixture_mod.ko" "$tmp/"
	fi
	cp "$src/include/config/kernel.release" "$tmp/kernel.release"
	echo "$((SECONDS - t0))" >"$tmp/build-seconds"
	cp "$blog" "$tmp/build.log"
	mv -T "$tmp" "$KDIR"
	if [ "${VX_KEEP_BUILD:-0}" != 1 ]; then
		rm -rf "$work"
	fi
}
#== BUILD-END ==

#== KASLR-BEGIN ==
# The -kaslr variant: the module variant built with KASLR and randomized
# memory bases, booted without nokaslr, as real machines run.  (Kept out
# of the BUILD section, whose text keys every other kernel.)
if [ "$VARIANT" = kaslr ]; then
	VARIANT_FRAGMENT+=$'\nCONFIG_RELOCATABLE=y\nCONFIG_RANDOMIZE_BASE=y\nCONFIG_RANDOMIZE_MEMORY=y'
	REQUIRED_CONFIG+=(CONFIG_RANDOMIZE_BASE=y CONFIG_RANDOMIZE_MEMORY=y)
	kept=()
	for opt in "${FORBIDDEN_CONFIG[@]}"; do
		[ "$opt" = CONFIG_RANDOMIZE_BASE ] || kept+=("$opt")
	done
	FORBIDDEN_CONFIG=("${kept[@]}")
fi
#== KASLR-END ==

#== WIDE-BEGIN ==
# The -wide variant: the module variant with NR_CPUS=128, for a guest of
# 128 CPUs (WIDEBOOT below).
if [ "$VARIANT" = wide ]; then
	VARIANT_FRAGMENT+=$'\nCONFIG_NR_CPUS=128'
	REQUIRED_CONFIG=("${REQUIRED_CONFIG[@]/#CONFIG_NR_CPUS=8/CONFIG_NR_CPUS=128}")
fi
#== WIDE-END ==

if [ -f "$KDIR/vmlinux" ] && [ -f "$KDIR/bzImage" ]; then
	log "reusing kernel $KDIR"
else
	rm -rf "$VX_CACHE"/.tmp-kernel-"$LABEL"-* 2>/dev/null || true
	build_kernel
fi


# shellcheck source=tests/e2e/guest.sh
. "$HERE/guest.sh"
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing (busybox-static)"
KEY2=$({
	echo "kernel=$KEY"
	echo "busybox=$("$BUSYBOX" 2>&1 | head -n1)"
	echo "qemu=$("$QEMU" --version | head -n1)"
	[ "$SCALE" -gt 0 ] && echo "scale=$SCALE"
	[ "$VARIANT" = kaslr ] && echo "boot=kaslr"
	[ "$VARIANT" = wide ] && { echo "--- wideboot"; section WIDEBOOT; }
	echo "--- init.sh"; cat "$HERE/init.sh"
	echo "--- guest.sh"; cat "$HERE/guest.sh"
	echo "--- boot"; section BOOT
	echo "--- qmp"; cat "$HERE/qmp_dump.py"
} | short_sha)
if [ "$SCALE" -gt 0 ]; then
	DDIR="$VX_CACHE/dump-$LABEL-s$SCALE-$KEY2"
else
	DDIR="$VX_CACHE/dump-$LABEL-$KEY2"
fi

#== BOOT-BEGIN ==
QEMU_APPEND="console=ttyS0 nokaslr no_hash_pointers panic=-1 loglevel=7"
QEMU_MEM=512M
if [ "$SCALE" -gt 0 ]; then
	# benchmark workload: ~4.2 KiB per small area, 64 MiB + ~50 MiB more
	QEMU_APPEND="$QEMU_APPEND vx_fixture.scale=$SCALE"
	QEMU_MEM=2G
fi

make_dump() {
	local tmp m t=$SECONDS mods=()
	tmp="$VX_CACHE/.tmp-dump-$LABEL-$KEY2.$$"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	for m in "$KDIR"/*.ko; do
		[ -f "$m" ] && mods+=("$m")
	done
	guest_initramfs "$tmp/initramfs.cpio.gz" ${mods[@]+"${mods[@]}"}
	guest_boot_dump "$KDIR/bzImage" "$tmp/initramfs.cpio.gz" "$tmp" \
		"$QEMU_MEM" "$BOOT_TIMEOUT" "$QEMU_APPEND" || die "boot and dump failed"
	guest_section VMALLOCINFO "$tmp/console.log" >"$tmp/vmallocinfo.txt"
	guest_section MEMINFO "$tmp/console.log" >"$tmp/meminfo.txt"
	grep -E 'VXFIX (kind=|done )' "$tmp/console.log" |
		sed -E 's/^.*VXFIX (kind=|done )/VXFIX \1/' >"$tmp/manifest.txt" || true
	# where the fixture module's text and data are, in its own words
	grep -E 'VXFIX module ' "$tmp/console.log" |
		sed -E 's/^.*VXFIX module /VXFIX module /' >"$tmp/modules.txt" || true
	# owner of every kernel stack (printed by the free_lazy write)
	grep -E 'VXFIX task ' "$tmp/console.log" |
		sed -E 's/^.*VXFIX task /VXFIX task /' >"$tmp/tasks.txt" || true
	# benchmark workload summary (VX_SCALE)
	grep -E 'VXFIX bulk ' "$tmp/console.log" |
		sed -E 's/^.*VXFIX bulk /VXFIX bulk /' >"$tmp/bulk.txt" || true
	echo "$SCALE" >"$tmp/scale"
	cp "$KDIR/kernel.release" "$tmp/version"
	ln -s "../kernel-$LABEL-$KEY/vmlinux" "$tmp/vmlinux"
	ln -s "../kernel-$LABEL-$KEY/bzImage" "$tmp/bzImage"
	[ -s "$tmp/vmallocinfo.txt" ] || die "empty vmallocinfo ($tmp/console.log)"
	grep -q '^VXFIX done ' "$tmp/manifest.txt" || die "no 'VXFIX done' line ($tmp/console.log)"
	[ -s "$tmp/tasks.txt" ] || die "no 'VXFIX task' lines ($tmp/console.log)"
	if [ ${#mods[@]} -gt 0 ]; then
		[ -s "$tmp/modules.txt" ] || die "no 'VXFIX module' line ($tmp/console.log)"
	fi
	if [ "$SCALE" -gt 0 ]; then
		grep -q '^VXFIX bulk small=' "$tmp/bulk.txt" || die "no 'VXFIX bulk' line ($tmp/console.log)"
		! grep -q 'VXFIX-ERROR' "$tmp/console.log" || die "driver errors ($tmp/console.log)"
	fi
	mv -T "$tmp" "$DDIR"
	log "dump written in $((SECONDS - t)) s"
}
#== BOOT-END ==
# the -kaslr variant boots as a real machine does (in the dump key above)
[ "$VARIANT" = kaslr ] && QEMU_APPEND=${QEMU_APPEND/nokaslr /}
#== WIDEBOOT-BEGIN ==
# The -wide variant boots a machine of 128 CPUs, all present, so all
# possible, of which maxcpus=4 brings up 4 (the other 124 vCPUs wait for
# a start-up IPI that never comes; a hotplug-only CPU would not do: the
# kernel counts "Enabled=0" MADT entries as possible only under a
# hypervisor it recognizes, and TCG is not one).  On 6.9+ the kernel
# makes one vmap node per possible CPU up to its limit, 128 (256 lists),
# and hashes vmap_blocks over the per-CPU xarrays of all 128 CPUs, of
# which 4 ever ran.
GUEST_SMP=4
if [ "$VARIANT" = wide ]; then
	GUEST_SMP=128
	QEMU_APPEND="$QEMU_APPEND maxcpus=4"
fi
export GUEST_SMP
#== WIDEBOOT-END ==

if [ -f "$DDIR/vmcore" ] && [ -f "$DDIR/manifest.txt" ]; then
	log "reusing dump $DDIR"
else
	rm -rf "$VX_CACHE"/.tmp-dump-"$LABEL"-* 2>/dev/null || true
	make_dump
fi

# ---- cache pruning ----------------------------------------------------------
# A dump is 0.5 GiB (2 GiB with VX_SCALE) and every change to the guest's
# inputs keys a new one: of the dumps of this kernel variant and scale,
# keep the VX_CACHE_KEEP (default 2) used last, this one among them, and
# remove the others.  (Kernels are small and dumps link to them: kept.)
prune_dumps() {
	local keep=${VX_CACHE_KEEP:-2} re d t n=0
	case $keep in ''|*[!0-9]*) keep=2 ;; esac
	if [ "$SCALE" -gt 0 ]; then
		re="^dump-$LABEL-s$SCALE-[0-9a-f]{12}\$"
	else
		re="^dump-$LABEL-[0-9a-f]{12}\$"
	fi
	touch "$DDIR/.used"
	for d in "$VX_CACHE"/dump-*; do
		[ -d "$d" ] && [[ $(basename "$d") =~ $re ]] || continue
		t=$(stat -c %Y "$d/.used" 2>/dev/null || stat -c %Y "$d")
		echo "$t $d"
	done | sort -rn | while read -r t d; do
		n=$((n + 1))
		[ "$n" -le "$keep" ] || [ "$d" = "$DDIR" ] && continue
		log "removing the dump $(basename "$d"), unused since $(date -u -d "@$t" '+%F %H:%M')"
		rm -rf --one-file-system "$d"
	done
}
prune_dumps

# ---- consistency check: manifest vs /proc/vmallocinfo ------------------------
CHECK_PY='
import re, sys
d = sys.argv[1]
areas = []
for line in open(d + "/vmallocinfo.txt"):
    m = re.match(r"0x([0-9a-f]+)-0x([0-9a-f]+)\s+(\d+)\s*(.*)", line)
    if m:
        areas.append((int(m.group(1), 16), int(m.group(2), 16), int(m.group(3)), m.group(4)))
starts = {a[0]: a for a in areas}
errors, notes = [], []
man = [l.split() for l in open(d + "/manifest.txt") if l.startswith("VXFIX kind=")]
done = [l for l in open(d + "/manifest.txt") if l.startswith("VXFIX done")]
recs = [dict(x.split("=", 1) for x in l[1:]) for l in man]
if done and int(done[0].split("count=")[1]) != len(recs):
    errors.append("done count %s != %d lines" % (done[0].strip(), len(recs)))
blocks = {}
for r in recs:
    a, k = int(r["addr"], 16), r["kind"]
    if k in ("vmalloc", "vmalloc_user", "vmap", "ioremap", "vm_map_ram"):
        if a not in starts:
            errors.append("%s 0x%x not a vmallocinfo start" % (k, a))
        elif k == "vm_map_ram" and "vm_map_ram" not in starts[a][3]:
            errors.append("vm_map_ram 0x%x is listed as %r" % (a, starts[a][3]))
    elif k == "vmalloc_freed":
        if a in starts and "unpurged" in starts[a][3]:
            notes.append("vmalloc_freed 0x%x is an unpurged vm_area" % a)
        else:
            # the lazy area of the fixture: init.sh must not let it be purged
            errors.append("vmalloc_freed 0x%x not listed as unpurged (purged before the dump?)" % a)
    elif k == "vb":
        inside = [x for x in areas if x[0] <= a < x[1] and "vm_map_ram" in x[3]]
        if not inside:
            errors.append("vb 0x%x not inside a vm_map_ram line" % a)
        else:
            blocks.setdefault(inside[0][0], (inside[0][2], set()))[1].add(r["cpu"])
for b, (sz, cpus) in sorted(blocks.items()):
    notes.append("vmap_block 0x%x size 0x%x used by cpu %s" % (b, sz, ",".join(sorted(cpus))))
    if sz not in (1 << 20, 2 << 20, 4 << 20):
        errors.append("vmap_block 0x%x has odd size 0x%x" % (b, sz))
nodes = sorted({(a[0] >> 16) % 4 for a in areas})
notes.append("vmallocinfo lines: %d; (addr/64K)%%4 values seen: %s" % (len(areas), nodes))
notes.append("manifest records: %d" % len(recs))
for n in notes: print(n)
for e in errors: print("ERROR:", e)
sys.exit(1 if errors else 0)
'
if ! "$PY" -c "$CHECK_PY" "$DDIR" >"$DDIR/check.txt" 2>&1; then
	cat "$DDIR/check.txt" >&2
	die "manifest does not match vmallocinfo.txt (see $DDIR/check.txt)"
fi
log "$(grep -c . "$DDIR/check.txt") check lines OK ($DDIR/check.txt)"

# ---- crash check: which crash flags open this dump --------------------------
# crash 8.0.2 (Debian 12): 6.1 opens in full mode; 6.12 with --no_modules,
# and only with heapfix.c preloaded (heapfix.py says when): without it the
# start-up damages crash's heap, which may abort then or later.  --minimal
# opens every dump (log, sym, rd of kernel image symbols, rd -p; no
# vmalloc/direct-map translation).
crash_try() { # $@ = extra crash flags; prints crash output
	local cmdf preload
	preload=$(/usr/bin/python3 "$HERE/heapfix.py" "$DDIR") || return 1
	cmdf=$(mktemp)
	if [ "${1:-}" = "--minimal" ]; then
		printf 'sym free_vmap_area_root\nsym _stext\nlog\nexit\n' >"$cmdf"
	else
		printf 'sys\nexit\n' >"$cmdf"
	fi
	(cd "$DDIR" && LD_PRELOAD=$preload timeout 300 crash -s "$@" vmlinux vmcore -i "$cmdf" </dev/null 2>&1)
	local rc=$?
	rm -f "$cmdf"
	return $rc
}
# The answer depends only on the dump and the crash release: it is kept
# in the dump directory with that release's version line and reused.
crash_id=$(command -v crash >/dev/null && crash --version 2>/dev/null | grep -m 1 . || true)
if [ "${VX_SKIP_CRASH:-0}" != 1 ] && [ -n "$crash_id" ] &&
	[ -f "$DDIR/crash-flags" ] && [ "$(head -n 1 "$DDIR/crash-check.txt" 2>/dev/null)" = "# $crash_id" ]; then
	log "crash check: '$(sed 's/ vmlinux vmcore$//' "$DDIR/crash-flags") vmlinux vmcore' (cached for $crash_id)"
elif [ "${VX_SKIP_CRASH:-0}" != 1 ] && [ -n "$crash_id" ]; then
	case $VERSION in
		6.1) tries=("" "--no_modules" "--minimal") ;;
		*) tries=("--no_modules" "" "--minimal") ;;
	esac
	# crash finds a QEMU dump's KASLR offset only when told to look
	if [ "$VARIANT" = kaslr ]; then
		for i in "${!tries[@]}"; do
			tries[i]="${tries[i]:+${tries[i]} }--kaslr=auto"
		done
	fi
	echo "# $crash_id" >"$DDIR/crash-check.txt"
	ok=""
	for flags in "${tries[@]}"; do
		# shellcheck disable=SC2086
		out=$(crash_try $flags) && rc=0 || rc=$?
		{
			echo "=== crash -s $flags vmlinux vmcore   (rc=$rc)"
			echo "$out"
		} >>"$DDIR/crash-check.txt"
		if [ $rc -eq 0 ] && { [ "$flags" = "--minimal" ] && echo "$out" | grep -q ' _stext' ||
			echo "$out" | grep -q 'RELEASE:'; }; then
			ok="crash -s${flags:+ $flags}"
			break
		fi
	done
	if [ -n "$ok" ]; then
		echo "$ok vmlinux vmcore" >"$DDIR/crash-flags"
		log "crash check: '$ok vmlinux vmcore' works ($DDIR/crash-check.txt)"
	else
		echo "none" >"$DDIR/crash-flags"
		log "WARNING: crash could not open the dump ($DDIR/crash-check.txt)"
	fi
fi

echo "$DDIR"
