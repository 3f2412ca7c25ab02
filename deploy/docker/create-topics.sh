#!/bin/sh
# Creates lorastream's topics with the layout the services expect (schemas' TopicAdmin.standardSpecs): compacted
# documents, adapters, trainer-checkpoints and adapter-pins; 8 MiB records on documents, training-pairs and the
# dead-letter topic; 64 MiB on adapters and trainer-checkpoints (adapter versions and checkpoints run to megabytes);
# every topic with REPLICATION_FACTOR replicas and min.insync.replicas MIN_INSYNC_REPLICAS (3 and 2 on a cluster, so one
# broker may fail; 1 and 1 on compose's single broker). Existing topics are left alone. Runs in the apache/kafka image
# as the cluster's admin (COMMAND_CONFIG: its admin client settings): docker compose's kafka-topics service.
set -eu

bootstrap=${BOOTSTRAP:-kafka:9092}
prefix=${TOPIC_PREFIX:-lorastream.}
partitions=${PARTITIONS:-3}
replication=${REPLICATION_FACTOR:-3}
min_isr=${MIN_INSYNC_REPLICAS:-2}
topics=${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}
command_config=${COMMAND_CONFIG:-}

events=max.message.bytes=8388608
artifacts=max.message.bytes=67108864
compact=cleanup.policy=compact

# kafka-topics.sh with the admin's client settings, when given
kafka_topics() {
  if [ -n "$command_config" ]; then
    "$topics" --bootstrap-server "$bootstrap" --command-config "$command_config" "$@"
  else
    "$topics" --bootstrap-server "$bootstrap" "$@"
  fi
}

create() {
  name="$prefix$1"
  shift
  kafka_topics --create --if-not-exists --topic "$name" --partitions "$partitions" \
    --replication-factor "$replication" --config "min.insync.replicas=$min_isr" "$@"
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

kafka_topics --describe --topics-with-overrides | grep "^Topic: $prefix" || true
echo "lorastream topics ready on $bootstrap"
