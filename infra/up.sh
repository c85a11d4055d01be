#!/usr/bin/env bash
# `npm run infra:up`: the engines the distributed mode and the engine-backed tests use on this machine.
#   Kafka       started from Apache's jars (infra/kafka/start.sh), 127.0.0.1:9092
#   PostgreSQL  the machine's own server, expected at 127.0.0.1:5432 (started once if it is down)
# EventStoreDB cannot run here; see infra/README.md. Idempotent: running engines are left alone.
set -euo pipefail
INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

PG_HOST=127.0.0.1
PG_PORT=5432

bash "$INFRA_DIR/kafka/start.sh"

pg_answers() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 3; }

command -v pg_isready >/dev/null || { echo "[postgres] ERROR: pg_isready not found (install postgresql-client)" >&2; exit 1; }
if pg_answers; then
  echo "[postgres] answering at $PG_HOST:$PG_PORT"
else
  echo "[postgres] not answering at $PG_HOST:$PG_PORT; trying to start the local cluster once…"
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$version" ]] && command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 20); do pg_answers && break; sleep 0.5; done
  fi
  if ! pg_answers; then
    echo "[postgres] ERROR: PostgreSQL does not answer at $PG_HOST:$PG_PORT" \
      "(tried: pg_ctlcluster --skip-systemctl-redirect ${version:-<no /etc/postgresql>} main start)" >&2
    exit 1
  fi
  echo "[postgres] started; answering at $PG_HOST:$PG_PORT"
fi

cat <<INFO
infra up:
  KAFKA_BROKERS=127.0.0.1:9092
  DATABASE_URL=postgres://postgres@$PG_HOST:$PG_PORT/test
  (stop Kafka with: npm run infra:down)
INFO
