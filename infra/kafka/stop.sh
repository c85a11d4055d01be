#!/usr/bin/env bash
# Stops the broker started by start.sh: SIGTERM (controlled shutdown), wait, then SIGKILL.
# Idempotent: nothing running is not an error.
#
#   KAFKA_DATA_DIR        where start.sh put the pid file (default infra/kafka/data)
#   KAFKA_STOP_TIMEOUT    seconds to wait after SIGTERM     (default 30)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

if ! pid="$(running_pid)"; then
  rm -f "$KAFKA_PID_FILE"
  if port_open; then
    log "not running from $KAFKA_DATA_DIR, but something listens on $KAFKA_BOOTSTRAP (not started by this script; left alone)"
  else
    log "not running"
  fi
  exit 0
fi

log "stopping broker pid $pid (SIGTERM, up to ${STOP_TIMEOUT}s)…"
kill -TERM "$pid" 2>/dev/null || true
deadline=$((SECONDS + STOP_TIMEOUT))
while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done

if kill -0 "$pid" 2>/dev/null; then
  log "still alive after ${STOP_TIMEOUT}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
fi
kill -0 "$pid" 2>/dev/null && die "pid $pid survived SIGKILL"
rm -f "$KAFKA_PID_FILE"
log "stopped"
