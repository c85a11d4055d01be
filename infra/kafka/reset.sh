#!/usr/bin/env bash
# Stops the broker and deletes its data directory (topics, offsets, logs, cluster id).
# The next start.sh formats fresh storage. The jars in lib/ are kept.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

"$KAFKA_HOME_DIR/stop.sh"

if [[ ! -e "$KAFKA_DATA_DIR" ]]; then
  log "no data dir at $KAFKA_DATA_DIR; nothing to delete"
  exit 0
fi
case "$KAFKA_DATA_DIR" in
  / | "$HOME" | "$KAFKA_HOME_DIR") die "refusing to delete $KAFKA_DATA_DIR" ;;
esac
# Only a directory start.sh created (it carries the marker), or an empty one.
if [[ ! -f "$KAFKA_DATA_MARKER" && -n "$(ls -A "$KAFKA_DATA_DIR")" ]]; then
  die "$KAFKA_DATA_DIR was not created by start.sh (no $(basename "$KAFKA_DATA_MARKER")); delete it yourself if you mean it"
fi
rm -rf "$KAFKA_DATA_DIR"
log "deleted $KAFKA_DATA_DIR"
