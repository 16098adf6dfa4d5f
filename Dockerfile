# syntax=docker/dockerfile:1
#
# RAG Worker as a SageMaker custom container: `docker run IMAGE serve` starts the server on 8080.
#
# Build stage: the official Swift image, a release binary with the Swift runtime linked in
# (the same command `make check-release` runs in CI, so this stage is exercised there).
ARG SWIFT_IMAGE=swift:6.3.1-noble
FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4-openssl-dev libsqlite3-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Resolve dependencies in their own layer so source edits do not refetch them. Package.swift gives
# version ranges and the repository does not commit Package.resolved (docs/deployment.md, "The
# image tag"): what this resolve picks is copied into the image below.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib --product rag-worker \
    && mkdir -p /staging \
    && cp "$(swift build -c release --static-swift-stdlib --show-bin-path)/rag-worker" /staging/ \
    && find "$(swift build -c release --static-swift-stdlib --show-bin-path)" -maxdepth 1 -name '*.resources' -exec cp -R {} /staging/ \; \
    && strip /staging/rag-worker

# Run stage: Ubuntu 24.04 with only the runtime libraries. Its libcurl (8.5) carries the SigV4
# signer fixes that Debian bookworm's 7.88 lacks.
FROM ubuntu:24.04
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4t64 libsqlite3-0 zlib1g ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /opt/rag-worker --shell /usr/sbin/nologin rag
WORKDIR /opt/rag-worker
COPY --from=build /staging/ /opt/rag-worker/
# The dependency versions this image was built with:
#   docker run --rm --entrypoint cat IMAGE /opt/rag-worker/Package.resolved
COPY --from=build /build/Package.resolved /opt/rag-worker/Package.resolved
RUN mkdir -p /opt/rag-worker/data && chown rag:rag /opt/rag-worker/data
# HOST: inside a container the port is reachable only where it is published; the worker's own
# default (loopback, outside SageMaker) would make it unreachable from the host.
ENV PORT=8080 \
    HOST=0.0.0.0 \
    RAG_DATA_DIR=/opt/rag-worker/data
# No USER: SageMaker's guide for custom inference containers says it expects them to run as root
# and that other users can meet permission problems, so the image runs as root there. Outside
# SageMaker run it as the unprivileged `rag` user: `docker run --user 10001:10001 IMAGE serve`
# (it owns the data directory). docs/aws.md, "The container's user".
EXPOSE 8080
# Exec form: the worker is PID 1 and receives SIGTERM itself, so it can drain before SIGKILL.
ENTRYPOINT ["/opt/rag-worker/rag-worker"]
CMD ["serve"]
