# Helpers shared by the database service scripts; sourced, never run.
# The sourcing script sets SERVICE (the name its messages start with).

log() { echo "$SERVICE: $*" >&2; }
die() { log "$*"; exit 1; }

# apt_install installs Debian packages non-interactively,
# running apt-get update first.
apt_install() {
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	log "installing the Debian packages $*"
	$sudo apt-get update -qq >&2 || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
		--no-install-recommends "$@" >&2 || die "apt-get install $* failed"
}

# free_port prints a TCP port nobody listens on.
free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 12000))
		if [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	die "no free TCP port found"
}
