#!/usr/bin/env bash
# Runs a single-node Apache Kafka broker (KRaft, broker + controller) on
# 127.0.0.1 for the integration tests, from jars fetched with Maven from
# Maven Central (see pom.xml next to this script).
#
#   kafka.sh start   fetch the jars (cached), format storage, start the broker,
#                    wait until it answers a metadata request, and print
#                    CAMPUSHUB_TEST_KAFKA_BROKERS=127.0.0.1:PORT. When a stopped
#                    broker's state is still there, it starts again with the
#                    same data and client port (tests use this to restart it);
#                    the controller port, and the client port when another
#                    process took it meanwhile, are chosen again.
#   kafka.sh stop    stop the broker and wait for it to exit; data is kept
#   kafka.sh clean   stop the broker and delete its state
#   kafka.sh env     print CAMPUSHUB_TEST_KAFKA_BROKERS=… of the running broker
#
# Settings (environment):
#   SERVICES_DIR       state: pid, logs, data, config (default <repo>/.services/kafka)
#   KAFKA_CACHE_DIR    where the jars are copied (default ~/.cache/campushub/kafka)
#   KAFKA_PORT         client port (default: a free port)
#   KAFKA_START_TIMEOUT  seconds to wait for the broker (default 300: a JVM on a
#                      busy two-core machine has been seen to take two minutes)
#   JAVA_HOME          Java 17 or newer (default: java on PATH)
#   MAVEN              the mvn command (default mvn)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
state="${SERVICES_DIR:-$repo/.services/kafka}"
cache_root="${KAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/campushub/kafka}"
timeout="${KAFKA_START_TIMEOUT:-300}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn="${MAVEN:-mvn}"

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# check_java fails unless java is version 17 or newer.
check_java() {
	command -v "$java" >/dev/null 2>&1 || die "java not found (install Java 17, or set JAVA_HOME)"
	local v
	v="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
	[[ "${v%%.*}" =~ ^[0-9]+$ && "${v%%.*}" -ge 17 ]] || die "java $v found; Kafka needs Java 17 or newer"
}

# fetch_jars copies the broker and its runtime dependencies into a cache
# directory keyed by the pom's content, so a rerun costs nothing.
fetch_jars() {
	local key
	key="$(sha256sum "$here/pom.xml" | cut -c1-16)"
	lib="$cache_root/$key/lib"
	if [[ -f "$lib/.complete" ]]; then
		return
	fi
	command -v "$mvn" >/dev/null 2>&1 || die "maven not found (install maven, or set MAVEN)"
	# Several brokers (a CI run, a developer's services) may start at once:
	# one fetches, the others wait, and the directory appears complete or not
	# at all.
	mkdir -p "$cache_root"
	exec 8>"$cache_root/$key.lock"
	flock -w 600 8 || die "another kafka.sh holds $cache_root/$key.lock"
	if [[ -f "$lib/.complete" ]]; then
		exec 8>&-
		return
	fi
	log "fetching Apache Kafka jars from Maven Central into $lib"
	local tmp out
	tmp="$(mktemp -d "$cache_root/$key.fetch.XXXXXX")"
	if ! out="$("$mvn" -q -B -f "$here/pom.xml" dependency:copy-dependencies \
		-DincludeScope=runtime -DoutputDirectory="$tmp" 2>&1)"; then
		printf '%s\n' "$out" >&2
		rm -rf "$tmp"
		die "could not fetch the Kafka jars from Maven Central (maven output above)"
	fi
	ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "maven finished but $tmp has no kafka_2.13 jar"
	touch "$tmp/.complete"
	rm -rf "$lib"
	mkdir -p "$(dirname "$lib")"
	mv "$tmp" "$lib"
	exec 8>&-
}

# port_free reports whether nothing listens on 127.0.0.1:$1.
port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port prints a port nothing listens on, avoiding $1.
free_port() {
	local p i
	for i in $(seq 1 200); do
		p=$((20000 + RANDOM % 12000))
		if [[ "$p" != "${1:-}" ]] && port_free "$p"; then
			echo "$p"
			return
		fi
	done
	die "no free port found"
}

running() {
	[[ -f "$state/kafka.pid" ]] && kill -0 "$(cat "$state/kafka.pid")" 2>/dev/null
}

write_config() {
	local port="$1" cport="$2"
	mkdir -p "$state/data" "$state/logs"
	cat >"$state/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$state/data
num.partitions=3
auto.create.topics.enable=true
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
EOF
	cat >"$state/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = $state/logs/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.kafka.request.name = kafka.request.logger
logger.kafka.request.level = WARN
EOF
}

# java_opts are the JVM options of the broker and the tools. The C1 compiler
# alone (TieredStopAtLevel=1) starts the broker markedly sooner on a busy
# machine, and a test broker never runs long enough to profit from C2.
java_opts() {
	jvm=(-Xms256m -Xmx1g -XX:+UseG1GC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
		-Dlog4j2.configurationFile="$state/log4j2.properties"
		-Dkafka.logs.dir="$state/logs" -cp "$lib/*")
}

# kafka_java runs a Kafka main class with the cached jars.
kafka_java() {
	"$java" "${jvm[@]}" "$@"
}

# wait_ready waits until the broker logs that it has started (it does so
# once it is registered with its controller and its listeners accept
# requests) and its client port accepts connections. Reading the log costs
# nothing; asking with Kafka's own tools would start a JVM on every try.
wait_ready() {
	local port="$1" pid="$2" deadline=$((SECONDS + timeout))
	while ((SECONDS < deadline)); do
		kill -0 "$pid" 2>/dev/null || {
			tail -n 40 "$state/logs/kafka.out" "$state/logs/server.log" >&2 2>/dev/null || true
			die "the broker exited during start (logs in $state/logs)"
		}
		if grep -q 'Kafka Server started' "$state/logs/server.log" 2>/dev/null && ! port_free "$port"; then
			return
		fi
		sleep 0.2
	done
	tail -n 40 "$state/logs/server.log" >&2 2>/dev/null || true
	die "the broker did not answer on 127.0.0.1:$port within ${timeout}s (logs in $state/logs)"
}

start() {
	if running; then
		log "already running (pid $(cat "$state/kafka.pid"))"
		cat "$state/env"
		return
	fi
	check_java
	fetch_jars
	java_opts
	local port pid
	if [[ -f "$state/data/meta.properties" && -f "$state/port" ]]; then
		# The data is kept; the ports are chosen again, because another
		# process may have taken them while the broker was stopped. The
		# client port stays the same when it is still free, so clients of
		# a restarted broker reconnect to the address they know.
		port="$(cat "$state/port")"
		if ! port_free "$port"; then
			log "port $port of the stopped broker is in use; choosing another"
			port="$(free_port)"
		fi
		write_config "$port" "$(free_port "$port")"
		echo "$port" >"$state/port"
		log "restarting Apache Kafka on 127.0.0.1:$port with the data in $state"
	else
		format_new
		port="$(cat "$state/port")"
		log "starting Apache Kafka on 127.0.0.1:$port, state in $state"
	fi
	[[ -f "$state/logs/server.log" ]] && mv "$state/logs/server.log" "$state/logs/server.log.1"
	nohup "$java" "${jvm[@]}" kafka.Kafka "$state/server.properties" \
		>>"$state/logs/kafka.out" 2>&1 </dev/null 9>&- &
	pid=$!
	echo "$pid" >"$state/kafka.pid"
	wait_ready "$port" "$pid"
	echo "CAMPUSHUB_TEST_KAFKA_BROKERS=127.0.0.1:$port" | tee "$state/env"
}

# format_new writes a fresh configuration on free ports and formats the
# KRaft storage.
format_new() {
	local port cport cluster
	port="${KAFKA_PORT:-$(free_port)}"
	port_free "$port" || die "port $port is in use"
	cport="$(free_port "$port")"
	rm -rf "$state"
	write_config "$port" "$cport"
	# A cluster id is 16 random bytes in URL-safe base64 without padding,
	# what `kafka-storage.sh random-uuid` prints, made without starting a JVM.
	# Like Kafka's own, it never starts with "-", which the storage tool
	# would read as an option.
	cluster=-
	while [[ "$cluster" == -* ]]; do
		cluster="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | cut -c1-22)"
	done
	[[ ${#cluster} == 22 ]] || die "could not generate a cluster id"
	kafka_java kafka.tools.StorageTool format -t "$cluster" -c "$state/server.properties" \
		>"$state/logs/format.out" 2>&1 || {
		cat "$state/logs/format.out" >&2
		die "formatting KRaft storage failed"
	}
	echo "$port" >"$state/port"
}

stop() {
	if ! running; then
		log "not running"
		rm -f "$state/kafka.pid"
		return
	fi
	local pid i
	pid="$(cat "$state/kafka.pid")"
	kill -TERM "$pid"
	for i in $(seq 1 60); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "broker did not stop within 30s; killing it"
		kill -KILL "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
	fi
	rm -f "$state/kafka.pid"
	log "stopped (pid $pid)"
}

clean() {
	stop
	rm -rf "$state"
	log "removed $state"
}

env_line() {
	running || die "not running; start it with: $0 start"
	cat "$state/env"
}

# lock serialises commands on one state directory, so two callers starting
# the broker at once get one broker.
lock() {
	mkdir -p "$state"
	exec 9>"$state.lock"
	flock -w 300 9 || die "another kafka.sh holds $state.lock"
}

case "${1:-}" in
start | stop | clean) lock ;;
esac

case "${1:-}" in
start) start ;;
stop) stop ;;
clean) clean ;;
env) env_line ;;
*)
	echo "usage: $0 start|stop|clean|env" >&2
	exit 2
	;;
esac
