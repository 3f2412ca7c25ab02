#!/bin/sh
# Creates lorastream's topics with the layout the services expect (schemas' TopicAdmin.standardSpecs): compacted
# documents, adapters, trainer-checkpoints and adapter-pins; 8 MiB records on documents, training-pairs and the
# dead-letter topic; 64 MiB on adapters and trainer-checkpoints (adapter versions and checkpoints run to megabytes).
# Existing topics are left alone. Runs in the apache/kafka image: docker compose's kafka-topics service.
set -eu

bootstrap=${BOOTSTRAP:-kafka:9092}
prefix=${TOPIC_PREFIX:-lorastream.}
partitions=${PARTITIONS:-3}
replication=${REPLICATION_FACTOR:-1}
topics=${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}

events=max.message.bytes=8388608
artifacts=max.message.bytes=67108864
compact=cleanup.policy=compact

create() {
  name="$prefix$1"
  shift
  set -- "$topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor "$replication" "$@"
  "$@"
}

create documents --config "$compact" --config "$events"
create search-events
create interactions
create relevance-labels
create training-pairs --config "$events"
create dlq --config "$events"
create adapters --config "$compact" --config "$artifacts"
create trainer-checkpoints --config "$compact" --config "$artifacts"
create adapter-pins --config "$compact"

"$topics" --bootstrap-server "$bootstrap" --describe --topics-with-overrides | grep "^Topic: $prefix" || true
echo "lorastream topics ready on $bootstrap"
