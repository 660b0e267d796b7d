#!/bin/bash
# mkchroot.sh SUITE  -- a Debian SUITE (trixie, sid) chroot with crash, gdb,
# drgn and the crash headers, cached in $VX_CACHE/chroot-SUITE, to build
# and run vmap_ext against that suite's crash.  Prints the chroot path.
# The mirror is read from this machine's active apt sources.
set -euo pipefail

SUITE=${1:?usage: mkchroot.sh trixie|sid}
VX_CACHE=${VX_CACHE:-/var/cache/vmap_ext}
DIR=$VX_CACHE/chroot-$SUITE
PKGS=crash,gdb,python3-drgn,gcc,make,libc6-dev,libdw-dev,libelf-dev,python3

log() { echo "mkchroot[$SUITE]: $*" >&2; }
# shellcheck source=tests/e2e/pkgs.sh
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/pkgs.sh"

mirror() {
	local m
	m=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '{print $2}' | grep -v security | head -n 1)
	[ -n "$m" ] || m=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null |
		awk '{print $2}' | grep -v security | head -n 1)
	[ -n "$m" ] || { log "no active apt mirror found"; exit 1; }
	echo "$m"
}

in_chroot() { chroot "$DIR" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

if [ ! -x "$DIR/usr/bin/crash" ] || [ ! -f "$DIR/usr/include/crash/defs.h" ]; then
	command -v debootstrap >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt_get install -y -qq debootstrap >/dev/null
	MIRROR=$(mirror)
	tmp=$DIR.tmp.$$
	rm -rf --one-file-system "$tmp"
	log "debootstrap $SUITE (minbase) from the machine's mirror"
	debootstrap --variant=minbase --include="$PKGS" "$SUITE" "$tmp" \
		"$MIRROR" > "$VX_CACHE/debootstrap-$SUITE.log" 2>&1 || {
		tail -n 20 "$VX_CACHE/debootstrap-$SUITE.log" >&2
		exit 1
	}
	# crash's headers come with the crash package in Debian
	[ -f "$tmp/usr/include/crash/defs.h" ] || {
		log "no /usr/include/crash/defs.h in $SUITE's crash"; exit 1; }
	# never rm through a mount (in-chroot.sh mounts only privately)
	if findmnt -rn -o TARGET | grep -q "^$DIR/"; then
		log "$DIR has mounts under it; not replacing it"; exit 1
	fi
	rm -rf --one-file-system "$DIR"
	mv "$tmp" "$DIR"
fi
log "crash $(in_chroot dpkg-query -W -f='${Version}' crash)"
echo "$DIR"
