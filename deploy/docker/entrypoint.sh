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

# Native memory from tcmalloc (installed in the image), as ./lorastream does when it is there: PyTorch's tensors are
# reused instead of faulted in anew. LORASTREAM_ALLOCATOR=glibc runs on glibc's malloc (tuned by the image's MALLOC_*).
allocator=${LORASTREAM_ALLOCATOR:-auto}
case "$allocator" in
  glibc)
    # the trainer as ./lorastream runs it: tensors reuse the arenas' pages instead of fresh mappings
    if [ "${1:-}" = trainer ]; then
      export MALLOC_MMAP_MAX_="${MALLOC_MMAP_MAX_:-0}" MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}" \
        MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-67108864}"
    fi
    ;;
  auto | tcmalloc)
    tcmalloc=""
    for lib in /usr/lib/*-linux-gnu/libtcmalloc_minimal.so.4; do
      if [ -r "$lib" ]; then tcmalloc=$lib; break; fi
    done
    if [ -n "$tcmalloc" ]; then
      export LD_PRELOAD="$tcmalloc${LD_PRELOAD:+:$LD_PRELOAD}"
    elif [ "$allocator" = tcmalloc ]; then
      echo "lorastream: LORASTREAM_ALLOCATOR=tcmalloc, but libtcmalloc_minimal.so.4 is not in this image; install libtcmalloc-minimal4 or unset LORASTREAM_ALLOCATOR" >&2
      exit 2
    fi
    ;;
  *)
    echo "lorastream: LORASTREAM_ALLOCATOR must be auto, tcmalloc or glibc, got '$allocator'" >&2
    exit 2
    ;;
esac

# Heap is a share of the container's memory; PyTorch's tensors live outside the heap, so the share stays small.
# MaxNewSize: a small young generation is soon resident and then reused, and AlwaysPreTouch touches the rest of the
# heap once, when committed, so RSS does not creep (see ./lorastream). The streams app loads no model: G1's own
# sizing and a larger share, as its Kubernetes manifest sets (the two settings above cost it a fifth of its rate).
case "${1:-}" in
  streams) default_java_opts="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError" ;;
  *) default_java_opts="-XX:MaxRAMPercentage=40 -XX:MaxNewSize=128m -XX:+AlwaysPreTouch -XX:+ExitOnOutOfMemoryError" ;;
esac
java_opts=${LORASTREAM_JAVA_OPTS:-$default_java_opts}
# shellcheck disable=SC2086 # java_opts is a list of JVM flags
set -- java $java_opts -Dai.djl.offline=true -cp "$app/lorastream-cli.jar:$app/lib/*" io.lorastream.cli.LorastreamCommand "$@"

if [ "$(id -u)" = 0 ]; then
  exec setpriv --reuid=10001 --regid=10001 --clear-groups -- "$@"
fi
exec "$@"
