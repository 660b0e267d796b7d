#!/bin/bash
# crash-in-chroot.sh CHROOT [crash args...] -- CHROOT's crash as a drop-in
# for /usr/bin/crash in the e2e checks (same paths, same directory).
set -euo pipefail
DIR=$1
shift
exec "$(dirname "${BASH_SOURCE[0]}")/in-chroot.sh" "$DIR" /usr/bin/crash "$@"
