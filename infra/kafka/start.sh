#!/usr/bin/env bash
# Starts the single-node KRaft broker+controller from Apache Kafka's own jars, in the background,
# and returns once it answers on 127.0.0.1:9092. Idempotent: a running, answering broker is left alone.
#
#   KAFKA_DATA_DIR        data, logs, pid file   (default infra/kafka/data)
#   KAFKA_HEAP_OPTS       JVM heap               (default -Xms256m -Xmx512m)
#   KAFKA_START_TIMEOUT   seconds to wait        (default 90)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"

ensure_jars
mkdir -p "$KAFKA_DATA_DIR" "$KAFKA_APP_LOGS"
touch "$KAFKA_DATA_MARKER"

# One start.sh at a time per data dir.
exec 9>"$KAFKA_DATA_DIR/.start.lock"
flock -w 120 9 || die "another start.sh holds $KAFKA_DATA_DIR/.start.lock"

show_logs() {
  local f
  for f in "$KAFKA_DATA_DIR/console.out" "$KAFKA_APP_LOGS/server.log"; do
    [[ -s "$f" ]] || continue
    printf '[kafka] ---- last lines of %s ----\n' "$f" >&2
    tail -n 40 "$f" >&2
  done
}

if pid="$(running_pid)"; then
  if broker_answers; then
    log "already running (pid $pid) and answering at $KAFKA_BOOTSTRAP; nothing to do"
    exit 0
  fi
  log "broker process $pid exists but does not answer yet; waiting for it"
else
  if port_open; then
    if broker_answers; then
      log "a Kafka broker not started by this script already answers at $KAFKA_BOOTSTRAP; using it"
      exit 0
    fi
    die "$KAFKA_BOOTSTRAP is taken by something that is not an answering Kafka broker"
  fi
  rm -f "$KAFKA_PID_FILE"

  # The broker's effective configuration: the committed file plus this data dir.
  {
    cat "$KAFKA_HOME_DIR/server.properties"
    printf '\n# Added by start.sh\nlog.dirs=%s\n' "$KAFKA_LOG_DIRS"
  } >"$KAFKA_RUNTIME_CONFIG"

  if [[ ! -f "$KAFKA_LOG_DIRS/meta.properties" ]]; then
    cluster_id="$(kafka_tool kafka.tools.StorageTool random-uuid)"
    log "formatting storage in $KAFKA_LOG_DIRS (cluster id $cluster_id)"
    kafka_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_RUNTIME_CONFIG" >/dev/null ||
      die "kafka.tools.StorageTool format failed"
    echo "$cluster_id" >"$KAFKA_DATA_DIR/cluster.id"
  fi

  log "starting Apache Kafka $(kafka_version) (KRaft, node 1) with data in $KAFKA_DATA_DIR"
  # setsid: its own session, so the broker outlives the shell (and the terminal) that started it.
  # The pid is written by the process itself just before it becomes the JVM (exec keeps the pid).
  # shellcheck disable=SC2086
  setsid -f nohup bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$KAFKA_PID_FILE" \
    java $HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dkafka.logs.dir="$KAFKA_APP_LOGS" -Dlog4j.configuration="file:$KAFKA_HOME_DIR/log4j.properties" \
    -cp "$KAFKA_LIB_DIR/*" kafka.Kafka "$KAFKA_RUNTIME_CONFIG" \
    >"$KAFKA_DATA_DIR/console.out" 2>&1 </dev/null 9>&-
  for _ in $(seq 50); do [[ -s "$KAFKA_PID_FILE" ]] && break; sleep 0.1; done
  pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || { show_logs; die "the broker process did not start"; }
  log "broker pid $pid; waiting up to ${START_TIMEOUT}s for it to answer at $KAFKA_BOOTSTRAP…"
fi

deadline=$((SECONDS + START_TIMEOUT))
while ((SECONDS < deadline)); do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$KAFKA_PID_FILE"
    show_logs
    die "the broker exited during start-up (logs above; full logs in $KAFKA_APP_LOGS)"
  fi
  if port_open && broker_answers; then
    log "ready: answering at $KAFKA_BOOTSTRAP (pid $pid, logs in $KAFKA_APP_LOGS, stop with infra/kafka/stop.sh)"
    exit 0
  fi
  sleep 1
done

show_logs
log "no answer within ${START_TIMEOUT}s; stopping pid $pid"
"$KAFKA_HOME_DIR/stop.sh" >&2 || true
die "Kafka did not become ready at $KAFKA_BOOTSTRAP"
