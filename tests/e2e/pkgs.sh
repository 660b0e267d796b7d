# shellcheck shell=bash
# pkgs.sh: install missing Debian packages, quietly and idempotently.
# Sourced by tests/e2e/mkfixture.sh, tests/distro/run.sh, tests/corrupt/run.sh,
# tests/hosts/mkchroot.sh and scripts/setup.sh; ensure_pkgs() needs the
# caller's log().

pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# apt-get one at a time: two fixture builds (or a build and make setup)
# installing at once failed on dpkg's lock, and `apt-get update` does not
# wait for the lists' lock even with DPkg::Lock::Timeout (someone else's
# apt is waited for only by that option).
apt_get() {
	flock /run/lock/vmap_ext-apt apt-get -o DPkg::Lock::Timeout=900 "$@"
}

ensure_pkgs() {
	local p missing=()
	for p in "$@"; do
		pkg_installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt_get install -y -qq "${missing[@]}" >&2; then
		apt_get update -qq >&2
		apt_get install -y -qq "${missing[@]}" >&2
	fi
}
