#!/bin/sh
# Container entry point of every lorastream image: runs the lorastream CLI with the image's classpath.
#
# Secrets arrive as files (compose secrets, Kubernetes Secret volumes), never in the image: for every
# LORASTREAM_<NAME>_FILE=<path> the file's content becomes LORASTREAM_<NAME>, which the services read
# (LORASTREAM_SIGNING_KEY, LORASTREAM_ADAPTER_PUBLIC_KEY, LORASTREAM_API_KEYS, LORASTREAM_ADMIN_KEY).
# Started as root (docker compose, where secret files keep the host's owner and mode 600), it reads them
# first and then drops to the unprivileged user lorastream (10001); started as that user (Kubernetes
# runAsUser), it just reads them.
set -eu

app=/opt/lorastream
for name in $(env | sed -n 's/^\(LORASTREAM_[A-Z0-9_]*\)_FILE=.*/\1/p'); do
  file=$(printenv "${name}_FILE")
  if [ ! -r "$file" ]; then
    echo "lorastream: ${name}_FILE names '$file', which is not a readable file; mount the secret there or unset ${name}_FILE" >&2
    exit 2
  fi
  value=$(cat "$file")
  export "$name=$value"
  unset "${name}_FILE"
done

# Heap is a share of the container's memory; PyTorch's tensors live outside the heap, so the share stays small.
# MaxNewSize: a small young generation is soon resident and then reused, so RSS does not creep (see ./lorastream).
java_opts=${LORASTREAM_JAVA_OPTS:--XX:MaxRAMPercentage=40 -XX:MaxNewSize=128m -XX:+ExitOnOutOfMemoryError}
# shellcheck disable=SC2086 # java_opts is a list of JVM flags
set -- java $java_opts -Dai.djl.offline=true -cp "$app/lorastream-cli.jar:$app/lib/*" io.lorastream.cli.LorastreamCommand "$@"

if [ "$(id -u)" = 0 ]; then
  exec setpriv --reuid=10001 --regid=10001 --clear-groups -- "$@"
fi
exec "$@"
