# Shared by start.sh, stop.sh, reset.sh and perf.sh (sourced, not executed).
# Paths, the jar check/fetch, and "does the broker answer?".

KAFKA_HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_LIB_DIR="$KAFKA_HOME_DIR/lib"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$KAFKA_HOME_DIR/data}"
KAFKA_DATA_DIR="$(realpath -m "$KAFKA_DATA_DIR")"
KAFKA_BOOTSTRAP="${KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
KAFKA_PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
KAFKA_RUNTIME_CONFIG="$KAFKA_DATA_DIR/server.properties"
KAFKA_LOG_DIRS="$KAFKA_DATA_DIR/kraft-logs"
KAFKA_APP_LOGS="$KAFKA_DATA_DIR/logs"
# Marker proving a directory is ours before reset.sh deletes it.
KAFKA_DATA_MARKER="$KAFKA_DATA_DIR/.ventana-kafka-data"

log() { printf '[kafka] %s\n' "$*"; }
die() { printf '[kafka] ERROR: %s\n' "$*" >&2; exit 1; }

command -v java >/dev/null || die "java not found on PATH (Java 17 is required)"

# The Kafka version the pom pins, e.g. 3.9.2.
kafka_version() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_HOME_DIR/pom.xml"; }

pom_stamp() { sha256sum "$KAFKA_HOME_DIR/pom.xml" | cut -d' ' -f1; }

# lib/ is complete when the pom has not changed since the last fetch and the key jars are there.
# (lib/ filled by a manual `mvn dependency:copy-dependencies` has no stamp yet: it gets one.)
jars_complete() {
  jars_present || return 1
  [[ -f "$KAFKA_LIB_DIR/.pom.sha256" ]] || pom_stamp >"$KAFKA_LIB_DIR/.pom.sha256"
  [[ "$(cat "$KAFKA_LIB_DIR/.pom.sha256")" == "$(pom_stamp)" ]]
}

jars_present() {
  local v jar
  v="$(kafka_version)"
  for jar in "kafka_2.13-$v.jar" "kafka-clients-$v.jar" "kafka-tools-$v.jar" "kafka-server-$v.jar" \
             "kafka-raft-$v.jar" "kafka-metadata-$v.jar" "kafka-storage-$v.jar"; do
    [[ -f "$KAFKA_LIB_DIR/$jar" ]] || return 1
  done
  compgen -G "$KAFKA_LIB_DIR/scala-library-*.jar" >/dev/null &&
    compgen -G "$KAFKA_LIB_DIR/slf4j-api-*.jar" >/dev/null &&
    compgen -G "$KAFKA_LIB_DIR/slf4j-reload4j-*.jar" >/dev/null &&
    compgen -G "$KAFKA_LIB_DIR/reload4j-*.jar" >/dev/null
}

ensure_jars() {
  if jars_complete; then return 0; fi
  command -v mvn >/dev/null || die "lib/ is missing or incomplete and mvn is not on PATH to fetch the Kafka jars"
  log "fetching Apache Kafka $(kafka_version) jars from Maven Central into $KAFKA_LIB_DIR (missing, incomplete or from another pom)…"
  rm -rf "$KAFKA_LIB_DIR"
  local out="${TMPDIR:-/tmp}/ventana-kafka-mvn.$$.log"
  if ! (cd "$KAFKA_HOME_DIR" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib) >"$out" 2>&1; then
    cat "$out" >&2
    rm -f "$out"
    die "mvn dependency:copy-dependencies failed (is Maven Central reachable?)"
  fi
  rm -f "$out"
  pom_stamp >"$KAFKA_LIB_DIR/.pom.sha256"
  jars_complete || die "jars fetched but lib/ is still incomplete; see $KAFKA_HOME_DIR/pom.xml"
  log "$(find "$KAFKA_LIB_DIR" -name '*.jar' | wc -l) jars in lib/"
}

# Runs a Kafka command-line tool class quietly (warnings on stderr, results on stdout).
kafka_tool() {
  java -Xmx256m -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_HOME_DIR/tools-log4j.properties" \
    -cp "$KAFKA_LIB_DIR/*" "$@"
}

# True when something accepts TCP connections on the bootstrap address.
port_open() {
  local host="${KAFKA_BOOTSTRAP%:*}" port="${KAFKA_BOOTSTRAP##*:}"
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# True when a Kafka broker really answers there: a TCP check, then the admin API must list the
# topics (a real request/response round trip through the broker and its metadata), within 30 s.
broker_answers() {
  port_open || return 1
  timeout 30 java -Xmx128m -Djava.awt.headless=true -XX:TieredStopAtLevel=1 \
    -Dlog4j.configuration="file:$KAFKA_HOME_DIR/tools-log4j.properties" -cp "$KAFKA_LIB_DIR/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" --list >/dev/null 2>&1
}

# The pid from the pid file when that process is alive and is our broker (not a recycled pid).
running_pid() {
  [[ -f "$KAFKA_PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$KAFKA_PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $KAFKA_RUNTIME_CONFIG" || return 1
  echo "$pid"
}
