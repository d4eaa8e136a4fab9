#!/usr/bin/env bash
# Runs a private MariaDB server for the test suites, without Docker.
#
#   bash test/services/mariadb.sh start   # prints CAMPUSHUB_TEST_MYSQL_DSN=…
#   bash test/services/mariadb.sh stop    # safe to run when nothing runs
#
# The server lives in $SERVICES_DIR (default <repo>/.services/mariadb), reads
# no system option file, listens on 127.0.0.1 on a free port (never 3306, so a
# system server is left alone) and keeps its socket, pid file and log in that
# directory. The Debian package is installed when missing. The user
# "campushub" may create databases, because the suites create one per test.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${SERVICES_DIR:-$REPO/.services/mariadb}"
DATA="$DIR/data"
SOCK="$DIR/mysqld.sock"
PID="$DIR/mysqld.pid"
LOG="$DIR/mariadb.log"
PORT_FILE="$DIR/port"
USER_NAME=campushub
USER_PASS=campushub
DB_NAME=campushub

SERVICE=mariadb
# shellcheck source=test/services/lib.sh
source "$REPO/test/services/lib.sh"

# tool prints the first of the given programs that is installed.
tool() {
	local t
	for t in "$@"; do
		if command -v "$t" >/dev/null 2>&1; then
			command -v "$t"
			return 0
		fi
		if [ -x "/usr/sbin/$t" ]; then
			echo "/usr/sbin/$t"
			return 0
		fi
	done
	return 1
}

server() { tool mariadbd mysqld; }
client() { tool mariadb mysql; }

# install installs the server from Debian packages when it is missing; the
# package's own server is not started (policy-rc.d says so when present).
install() {
	server >/dev/null && tool mariadb-install-db mysql_install_db >/dev/null && return 0
	apt_install mariadb-server mariadb-client
	server >/dev/null || die "mariadb-server installed but no mariadbd found"
}

running() {
	[ -f "$PID" ] && kill -0 "$(cat "$PID")" 2>/dev/null
}

dsn() {
	echo "CAMPUSHUB_TEST_MYSQL_DSN=mysql://$USER_NAME:$USER_PASS@127.0.0.1:$(cat "$PORT_FILE")/$DB_NAME"
}

sql_root() { "$(client)" --no-defaults -uroot --socket="$SOCK" "$@"; }

start() {
	install
	mkdir -p "$DIR"
	if running; then
		dsn
		return 0
	fi
	local as_user
	as_user="$(id -un)"
	if [ ! -d "$DATA/mysql" ]; then
		mkdir -p "$DATA"
		"$(tool mariadb-install-db mysql_install_db)" --no-defaults --datadir="$DATA" --user="$as_user" \
			--auth-root-authentication-method=normal --skip-test-db >"$DIR/install-db.log" 2>&1 ||
			die "mariadb-install-db failed: $(tail -n 5 "$DIR/install-db.log")"
	fi
	free_port >"$PORT_FILE"
	local port
	port="$(cat "$PORT_FILE")"
	rm -f "$PID" "$SOCK"
	# Durability is not needed for tests; many parallel tests need connections.
	setsid "$(server)" --no-defaults --user="$as_user" --datadir="$DATA" \
		--bind-address=127.0.0.1 --port="$port" --socket="$SOCK" --pid-file="$PID" \
		--log-error="$LOG" --skip-name-resolve --skip-log-bin --max-connections=500 \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		--innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --sync-binlog=0 \
		</dev/null >/dev/null 2>&1 &
	local server_pid=$!
	for _ in $(seq 1 120); do
		if sql_root -e "SELECT 1" >/dev/null 2>&1; then
			break
		fi
		kill -0 "$server_pid" 2>/dev/null || die "server exited: $(tail -n 10 "$LOG" 2>/dev/null)"
		sleep 0.5
	done
	sql_root -e "SELECT 1" >/dev/null 2>&1 || die "server did not answer within 60s: $(tail -n 10 "$LOG" 2>/dev/null)"
	sql_root <<-SQL || die "could not create user and database"
		CREATE USER IF NOT EXISTS '$USER_NAME'@'127.0.0.1' IDENTIFIED BY '$USER_PASS';
		CREATE USER IF NOT EXISTS '$USER_NAME'@'localhost' IDENTIFIED BY '$USER_PASS';
		GRANT ALL PRIVILEGES ON *.* TO '$USER_NAME'@'127.0.0.1';
		GRANT ALL PRIVILEGES ON *.* TO '$USER_NAME'@'localhost';
		CREATE DATABASE IF NOT EXISTS $DB_NAME CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
	SQL
	log "ready on 127.0.0.1:$port (data in $DATA)"
	dsn
}

stop() {
	running || return 0
	local pid
	pid="$(cat "$PID")"
	kill "$pid"
	for _ in $(seq 1 120); do
		kill -0 "$pid" 2>/dev/null || {
			log "stopped"
			return 0
		}
		sleep 0.5
	done
	die "server $pid did not stop within 60s"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac
