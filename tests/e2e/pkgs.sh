# shellcheck shell=bash
# pkgs.sh: install missing Debian packages, quietly and idempotently.
# Sourced by tests/e2e/mkfixture.sh and tests/distro/run.sh; the caller
# defines log().

pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

ensure_pkgs() {
	local p missing=()
	for p in "$@"; do
		pkg_installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -qq "${missing[@]}" >&2; then
		apt-get update -qq >&2
		apt-get install -y -qq "${missing[@]}" >&2
	fi
}
