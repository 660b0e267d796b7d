#!/bin/bash
# in-chroot.sh CHROOT CMD... -- run CMD in CHROOT with /work, /tmp and the
# dump cache bind-mounted at their own paths and the same directory.
set -euo pipefail
DIR=$1
shift
VX_CACHE=${VX_CACHE:-/var/cache/vmap_ext}
for d in /work /tmp "$VX_CACHE"; do
	[ -d "$d" ] || continue
	mkdir -p "$DIR$d"
	mountpoint -q "$DIR$d" || mount --bind "$d" "$DIR$d"
done
mountpoint -q "$DIR/proc" || mount -t proc proc "$DIR/proc"
exec chroot "$DIR" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root /bin/sh -c 'cd "$0" && exec "$@"' "$PWD" "$@"
