#!/usr/bin/env bash
# `npm run infra:down`: stops the Kafka broker infra/up.sh started. PostgreSQL is the machine's
# own server and is left running.
set -euo pipefail
INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$INFRA_DIR/kafka/stop.sh"
echo "[postgres] left running (it is the machine's server, not ours)"
