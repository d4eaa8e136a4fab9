#!/usr/bin/env bash
# Runs a NATS server with JetStream on 127.0.0.1 for the integration tests,
# built from the Go module proxy at a pinned version (no Docker, no
# downloaded binary).
#
#   nats.sh start   build nats-server (cached), start it, wait until JetStream
#                   answers, and print CAMPUSHUB_TEST_NATS_URL=nats://127.0.0.1:PORT.
#                   When a stopped server's state is still there, it starts
#                   again with the same data and port (tests use this to
#                   restart it); the port is chosen again only when another
#                   process took it meanwhile.
#   nats.sh stop    stop the server and wait for it to exit; data is kept
#   nats.sh clean   stop the server and delete its state
#   nats.sh env     print CAMPUSHUB_TEST_NATS_URL=… of the running server
#
# Settings (environment):
#   SERVICES_DIR        state: pid, log, data, port (default <repo>/.services/nats)
#   NATS_CACHE_DIR      where the built binary is kept (default ~/.cache/campushub/nats)
#   NATS_SERVER_VERSION the github.com/nats-io/nats-server/v2 version (default below)
#   NATS_START_TIMEOUT  seconds to wait for the server (default 60)
set -euo pipefail

# The same version go.mod requires for the embedded broker.
VERSION="${NATS_SERVER_VERSION:-v2.15.2}"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${SERVICES_DIR:-$REPO/.services/nats}"
DATA="$DIR/data"
PID_FILE="$DIR/nats.pid"
PORT_FILE="$DIR/port"
LOG="$DIR/nats.log"
CACHE="${NATS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/campushub/nats}/$VERSION"
BIN="$CACHE/nats-server"
TIMEOUT="${NATS_START_TIMEOUT:-60}"

SERVICE=nats
# shellcheck source=test/services/lib.sh
source "$REPO/test/services/lib.sh"

# build installs nats-server $VERSION with the Go toolchain, from the module
# proxy, once per version; concurrent starts wait for the one that builds.
build() {
	[ -x "$BIN" ] && return 0
	command -v go >/dev/null 2>&1 || die "go not found; it builds nats-server"
	mkdir -p "$CACHE"
	exec 8>"$CACHE.lock"
	flock -w 900 8 || die "another nats.sh holds $CACHE.lock"
	if [ ! -x "$BIN" ]; then
		log "building github.com/nats-io/nats-server/v2@$VERSION"
		# Outside any module, so the version named here is the one built.
		(cd / && GOBIN="$CACHE" GOFLAGS= CGO_ENABLED=0 go install "github.com/nats-io/nats-server/v2@$VERSION") >&2 ||
			die "go install github.com/nats-io/nats-server/v2@$VERSION failed"
	fi
	exec 8>&-
}

running() {
	[ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

url() { echo "CAMPUSHUB_TEST_NATS_URL=nats://127.0.0.1:$(cat "$PORT_FILE")"; }

port_taken() { [ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]; }

# ready reports whether the server answers with JetStream on.
ready() {
	local mon="$1"
	if command -v curl >/dev/null 2>&1; then
		curl -fsS "http://127.0.0.1:$mon/healthz?js-enabled-only=true" >/dev/null 2>&1
	else
		(exec 3<>"/dev/tcp/127.0.0.1/$mon" && printf 'GET /healthz?js-enabled-only=true HTTP/1.0\r\n\r\n' >&3 && head -n1 <&3 | grep -q ' 200 ') 2>/dev/null
	fi
}

start() {
	build
	mkdir -p "$DIR" "$DATA"
	if running; then
		url
		return 0
	fi
	local port mon pid attempt deadline
	for attempt in 1 2 3 4 5; do
		if [ -f "$PORT_FILE" ] && ! port_taken "$(cat "$PORT_FILE")"; then
			port="$(cat "$PORT_FILE")"
		else
			port="$(free_port)"
			echo "$port" >"$PORT_FILE"
		fi
		mon="$(free_port)"
		# setsid: the server outlives this script and is not in its process group.
		setsid "$BIN" --addr 127.0.0.1 --port "$port" --http_port "$mon" --jetstream --store_dir "$DATA" \
			--server_name "campushub-test-$port" --pid "$PID_FILE" --log "$LOG" </dev/null >/dev/null 2>&1 &
		pid=$!
		deadline=$((SECONDS + TIMEOUT))
		until ready "$mon"; do
			if ! kill -0 "$pid" 2>/dev/null; then
				break # it exited: most likely a port another process took after free_port looked
			fi
			if [ $SECONDS -ge $deadline ]; then
				tail -n 20 "$LOG" >&2 2>/dev/null || true
				stop
				die "nats-server did not answer within ${TIMEOUT}s (log: $LOG)"
			fi
			sleep 0.2
		done
		kill -0 "$pid" 2>/dev/null && break
		log "nats-server exited at start (attempt $attempt): $(tail -n 1 "$LOG" 2>/dev/null)"
		rm -f "$PID_FILE" "$PORT_FILE"
		[ "$attempt" -lt 5 ] || die "nats-server did not start in 5 attempts (log: $LOG)"
	done
	log "nats-server $VERSION on 127.0.0.1:$port, data in $DATA"
	url
}

stop() {
	running || return 0
	local pid
	pid="$(cat "$PID_FILE")"
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 1 150); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "nats-server $pid did not stop within 30s; killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$PID_FILE"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
clean)
	stop
	rm -rf "$DIR"
	;;
env)
	running || die "not running"
	url
	;;
*)
	echo "usage: $0 start|stop|clean|env" >&2
	exit 2
	;;
esac
