#!/usr/bin/env bash
# Kafka's own load tools against the broker at $KAFKA_BOOTSTRAP (default 127.0.0.1:9092).
#
#   infra/kafka/perf.sh producer <topic> <records> <record-size> [extra ProducerPerformance args…]
#   infra/kafka/perf.sh consumer <topic> <records> <record-size> [extra ConsumerPerformance args…]
#
# producer: org.apache.kafka.tools.ProducerPerformance, unthrottled, acks=all, idempotence on;
#           creates the topic first if it does not exist (KAFKA_PERF_PARTITIONS, default 6).
# consumer: org.apache.kafka.tools.ConsumerPerformance, a fresh consumer group reading <records>
#           from the beginning of the topic (<record-size> is accepted for symmetry; the consumer
#           reads whatever size was produced).
# The tools' own output goes to stdout unchanged (bench/kafka-perf.ts parses it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { echo "usage: $0 producer|consumer <topic> <records> <record-size> [extra tool args…]" >&2; exit 2; }
(($# >= 4)) || usage
mode="$1" topic="$2" records="$3" record_size="$4"
shift 4
[[ "$records" =~ ^[0-9]+$ && "$record_size" =~ ^[0-9]+$ ]] || usage

ensure_jars
port_open || die "nothing answers at $KAFKA_BOOTSTRAP; start Kafka with infra/kafka/start.sh"

topic_exists() {
  kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" --list --topic "$topic" |
    grep -qxF "$topic"
}

case "$mode" in
  producer)
    kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$KAFKA_BOOTSTRAP" --create --if-not-exists \
      --topic "$topic" --partitions "${KAFKA_PERF_PARTITIONS:-6}" --replication-factor 1 >&2
    kafka_tool org.apache.kafka.tools.ProducerPerformance \
      --topic "$topic" --num-records "$records" --record-size "$record_size" --throughput -1 \
      --producer-props bootstrap.servers="$KAFKA_BOOTSTRAP" acks=all enable.idempotence=true \
      "$@"
    ;;
  consumer)
    topic_exists || die "topic $topic does not exist (produce to it first: $0 producer $topic …)"
    kafka_tool org.apache.kafka.tools.ConsumerPerformance \
      --bootstrap-server "$KAFKA_BOOTSTRAP" --topic "$topic" --messages "$records" \
      --group "perf-consumer-$(date +%s)-$$" --timeout "${KAFKA_PERF_CONSUMER_TIMEOUT_MS:-30000}" \
      "$@"
    ;;
  *) usage ;;
esac
