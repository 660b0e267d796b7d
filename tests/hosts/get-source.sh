#!/bin/bash
# get-source.sh VERSION -- a /usr/src-style kernel tarball
# linux-source-VERSION.tar.xz for a version this machine's apt does not
# carry (e.g. 7.2 on Debian 12), taken from Debian's linux-source-VERSION
# package of a newer suite (default sid; env VX_SRC_SUITE) fetched inside
# that suite's cached chroot (tests/hosts/mkchroot.sh).
#
# Cached as $VX_CACHE/src/linux-source-VERSION.tar.xz with the package
# version in $VX_CACHE/src/linux-source-VERSION.version beside it. The
# cache is keyed by the package version: when the chroot's apt lists offer
# another version, that one is fetched and replaces the cached tarball.
# The chroot's lists are refreshed (apt-get update) only when they do not
# know the package at all; set VX_SRC_UPDATE=1 to refresh them anyway.
# Offline with a cached tarball: the cached one is used.
#
# Prints the tarball path (last line of stdout); progress goes to stderr.
set -euo pipefail

VERSION=${1:?usage: get-source.sh VERSION   (e.g. 7.2)}
case $VERSION in
	[0-9]*.[0-9]*) ;;
	*) echo "usage: get-source.sh VERSION   (e.g. 7.2)" >&2; exit 2 ;;
esac
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VX_CACHE=${VX_CACHE:-/var/cache/vmap_ext}
export VX_CACHE
SUITE=${VX_SRC_SUITE:-sid}
PKG=linux-source-$VERSION
SRCDIR=$VX_CACHE/src
OUT=$SRCDIR/$PKG.tar.xz
VERFILE=$SRCDIR/$PKG.version
export LC_ALL=C

log() { echo "get-source[$VERSION]: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

mkdir -p "$SRCDIR"
exec 8>"$SRCDIR/.lock-$PKG"
flock 8

cached_version() { [ -f "$OUT" ] && [ -s "$VERFILE" ] && cat "$VERFILE"; }

CHROOT=$("$HERE/mkchroot.sh" "$SUITE" | tail -n 1)
[ -d "$CHROOT" ] || die "no $SUITE chroot"
in_chroot() { "$HERE/in-chroot.sh" "$CHROOT" "$@"; }

# apt's view inside the chroot; Release files of a frozen snapshot may be
# past their Valid-Until, hence Check-Valid-Until=false
APTOPT="-o Acquire::Check-Valid-Until=false -o APT::Sandbox::User=root"
candidate() {
	in_chroot sh -c "apt-cache $APTOPT show --no-all-versions '$PKG' 2>/dev/null |
		sed -n 's/^Version: //p' | head -n 1" || true
}

CAND=""
if [ "${VX_SRC_UPDATE:-0}" != 1 ]; then
	CAND=$(candidate)
fi
if [ -z "$CAND" ]; then
	log "apt-get update in the $SUITE chroot"
	if in_chroot sh -c "apt-get $APTOPT update -qq" >&2; then
		CAND=$(candidate)
	fi
fi
if [ -z "$CAND" ]; then
	if have=$(cached_version); then
		log "WARNING: $SUITE's apt does not offer $PKG (offline?); using the cached $have"
		echo "$OUT"
		exit 0
	fi
	die "$SUITE's apt does not offer $PKG"
fi

if [ "$(cached_version || true)" = "$CAND" ]; then
	log "cached $PKG $CAND"
	echo "$OUT"
	exit 0
fi

# download into the cache (bind-mounted at the same path in the chroot),
# verified by apt against the signed Packages index
tmp=$(mktemp -d "$SRCDIR/.tmp-$PKG.XXXXXX")
trap 'rm -rf --one-file-system "$tmp"' EXIT
log "downloading $PKG=$CAND in the $SUITE chroot"
(cd "$tmp" && in_chroot sh -c "apt-get $APTOPT download -q '$PKG=$CAND'") >&2 ||
	die "apt-get download $PKG=$CAND failed"
deb=$(ls "$tmp"/"${PKG}"_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "no .deb downloaded"
# only the tarball out of the package (dpkg-deb of the suite itself reads
# whatever compression the suite uses)
member=./usr/src/$PKG.tar.xz
log "extracting $member from $(basename "$deb")"
in_chroot sh -c "dpkg-deb --fsys-tarfile '$deb' | tar -xOf - '$member'" >"$tmp/$PKG.tar.xz" ||
	die "could not extract $member from $deb"
xz -t "$tmp/$PKG.tar.xz" || die "extracted tarball is corrupt"
mv -f "$tmp/$PKG.tar.xz" "$OUT"
echo "$CAND" >"$VERFILE.tmp"
mv -f "$VERFILE.tmp" "$VERFILE"
log "cached $OUT ($CAND, $(du -h "$OUT" | cut -f1))"
echo "$OUT"
