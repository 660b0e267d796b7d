#!/bin/bash
# in-chroot.sh CHROOT CMD... -- run CMD in CHROOT, in the same directory,
# with this repository, the current directory, /work, /tmp and the dump
# cache bind-mounted at their own paths (the repository may live anywhere,
# e.g. a CI clone outside /work).  Of the environment only PATH, HOME,
# VMAP_EXT_READMEM, VMAP_EXT_READAHEAD and VX_PRELOAD (as LD_PRELOAD: the
# benchmark's pread timer) go in.
# The mounts live in a private mount namespace (unshare -m) and vanish
# with CMD, so no bind mount ever outlives a run: removing the cache can
# never reach through into /work.
set -euo pipefail
DIR=$1
shift
VX_CACHE=${VX_CACHE:-/var/cache/vmap_ext}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export VX_CACHE DIR REPO
exec unshare --mount --propagation private /bin/bash -c '
	set -e
	for d in /work /tmp "$VX_CACHE" "$REPO" "$PWD"; do
		[ -d "$d" ] || continue
		mkdir -p "$DIR$d"
		mount --bind "$d" "$DIR$d"
	done
	mount -t proc proc "$DIR/proc"
	exec chroot "$DIR" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root ${VMAP_EXT_READMEM:+VMAP_EXT_READMEM=$VMAP_EXT_READMEM} \
		${VMAP_EXT_READAHEAD:+VMAP_EXT_READAHEAD=$VMAP_EXT_READAHEAD} \
		${VX_PRELOAD:+LD_PRELOAD=$VX_PRELOAD} \
		/bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$PWD" "$@"
' in-chroot "$@"
