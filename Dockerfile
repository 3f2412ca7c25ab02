# syntax=docker/dockerfile:1.7
#
# One image for every lorastream service: the container's command picks it (streams, trainer, server, keys ...).
#
#   docker build -t lorastream .                    CPU image: PyTorch 2.7.1's CPU build, the Maven dependency
#   docker build -t lorastream-gpu --target gpu .   GPU image: PyTorch 2.7.1's CUDA 12.8 build (see the gpu stage)
#
# Nothing secret is in either image: signing keys, API keys and the admin key are mounted at run time
# (deploy/docker/entrypoint.sh reads LORASTREAM_*_FILE).

ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre-jammy

# --- build: the CLI jar and its runtime classpath, exactly as ./lorastream builds them -------------------------
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -Dstyle.color=never -DskipTests -Dmaven.test.skip=true -pl cli -am \
        package dependency:copy-dependencies -DincludeScope=runtime \
 && mkdir -p /out/lib /out/warm \
 && cp cli/target/lorastream-cli.jar /out/ \
 && cp cli/target/dependency/*.jar /out/lib/ \
 && javac -d /out/warm -cp "/out/lib/*" deploy/docker/WarmNatives.java

# --- common runtime: a JRE, an unprivileged user, the entry point ----------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl libtcmalloc-minimal4 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 lorastream \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/lorastream --no-create-home lorastream \
 && mkdir -p /var/lib/lorastream /etc/lorastream \
 && chown 10001:10001 /var/lib/lorastream
# LORASTREAM_HOME: converted base model and embedding caches (a volume); DJL_CACHE_DIR: unpacked native libraries.
# OMP_WAIT_POLICY: PyTorch's OpenMP threads sleep rather than spin while waiting (cores are shared).
# libtcmalloc-minimal4: the entry point preloads tcmalloc, the allocator lorastream prefers (see ./lorastream);
# LORASTREAM_ALLOCATOR=glibc opts out, and then MALLOC_*: glibc mmaps tensors of 4 MB and more and returns them on
# free, in at most two arenas, so training's native memory stays flat instead of fragmenting.
ENV LORASTREAM_HOME=/var/lib/lorastream \
    HOME=/var/lib/lorastream \
    DJL_CACHE_DIR=/opt/lorastream/djl-cache \
    OMP_WAIT_POLICY=PASSIVE \
    MALLOC_MMAP_THRESHOLD_=4194304 \
    MALLOC_ARENA_MAX=2
COPY --from=build /out/lorastream-cli.jar /opt/lorastream/lorastream-cli.jar
COPY --from=build /out/lib/ /opt/lorastream/lib/
COPY --chmod=755 deploy/docker/entrypoint.sh /usr/local/bin/lorastream-entrypoint
WORKDIR /var/lib/lorastream
VOLUME ["/var/lib/lorastream"]
# 8080 embedding server (API, /health, /metrics); 9410 streams-app /metrics; 9420 trainer /metrics
EXPOSE 8080 9410 9420
ENTRYPOINT ["lorastream-entrypoint"]
CMD ["--help"]

# --- gpu: the CUDA build of PyTorch 2.7.1 ------------------------------------------------------------------------
# Maven Central has no CUDA build of PyTorch 2.7.1 for DJL 0.36 (its newest, pytorch-native-cu124, is 2.5.1, and
# DJL 0.36 ships JNI only for 2.7.1), so DJL downloads the build named by PYTORCH_FLAVOR here, at image build time,
# from its own distribution; the JNI for cu128 is in the pytorch-jni jar already. The CPU build is removed from the
# classpath first: DJL would load it instead. DJL falls back to CPU silently when no build matches the flavor, so
# the build fails unless the CUDA build is what landed in the cache. Containers need an NVIDIA driver for CUDA
# 12.8 (570 or newer) and the NVIDIA container toolkit; the CUDA runtime libraries come with the download.
FROM runtime AS gpu
ARG PYTORCH_FLAVOR=cu128
ENV PYTORCH_FLAVOR=${PYTORCH_FLAVOR} \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
COPY --from=build /out/warm /opt/lorastream/warm
RUN rm /opt/lorastream/lib/pytorch-native-cpu-*.jar \
 && mkdir -p "$DJL_CACHE_DIR" \
 && (java -cp "/opt/lorastream/warm:/opt/lorastream/lib/*" WarmNatives \
     || echo "lorastream: the CUDA build could not be loaded without a GPU here; checking it was downloaded") \
 && test -f "$DJL_CACHE_DIR/pytorch/2.7.1-${PYTORCH_FLAVOR}-linux-x86_64/libtorch.so" \
 && ! ls -d "$DJL_CACHE_DIR"/pytorch/*-cpu-* 2>/dev/null \
 && rm -rf /opt/lorastream/warm \
 && chown -R 10001:10001 "$DJL_CACHE_DIR"

# --- cpu (default target): unpack the bundled CPU build once, here ---------------------------------------------
FROM runtime AS cpu
COPY --from=build /out/warm /opt/lorastream/warm
RUN java -Dai.djl.offline=true -cp "/opt/lorastream/warm:/opt/lorastream/lib/*" WarmNatives \
 && test -f "$DJL_CACHE_DIR"/pytorch/2.7.1-*-cpu-linux-x86_64/libtorch.so \
 && rm -rf /opt/lorastream/warm
