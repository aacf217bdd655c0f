# syntax=docker/dockerfile:1
# Auren Realtime: the single binary on a slim base.
#   docker build -t auren .
#   docker run -p 8080:8080 -v auren-data:/data -e AUREN_API_KEYS='KEY=default:admin' auren
# Stage 1 installs the npm dependencies (Bun comes from the `bun` devDependency) and runs
# scripts/release, the same script that builds release binaries; stage 2 only holds the binary.

ARG NODE_VERSION=20
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
# Build tools for better-sqlite3 in case no prebuilt addon matches (the Node build needs it, the binary not).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Dependencies first (a cached layer while package-lock.json is unchanged). --ignore-scripts skips
# `prepare`, which needs the sources copied below; `npm rebuild` then runs the packages' own
# install scripts (Bun's platform binary, better-sqlite3's addon).
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild
COPY . .
ARG AUREN_TARGET=linux-x64
RUN scripts/release "${AUREN_TARGET}"

FROM debian:bookworm-slim
# ca-certificates: TLS to S3 / R2 / Tigris and to NATS over tls://. The binary needs only glibc.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home auren \
    && mkdir -p /data && chown auren:auren /data
COPY --from=build /src/dist/auren /usr/local/bin/auren
COPY --from=build /src/dist/auren.sha256 /usr/local/share/auren.sha256
USER auren
WORKDIR /data
# BUN_JSC_useWarmUpMarkedBlocks: the memory setting `auren serve` would otherwise re-execute itself
# to get (src/runtime/bun/memory-tuning.ts); set here, it starts once.
ENV AUREN_HOST=0.0.0.0 \
    AUREN_PORT=8080 \
    AUREN_DATA_DIR=/data \
    BUN_JSC_useWarmUpMarkedBlocks=0
VOLUME ["/data"]
EXPOSE 8080
# SIGTERM: stop accepting, flush batches, upload the open archive file, close sockets, exit 0.
# Give it time: docker stop -t 30 / terminationGracePeriodSeconds / kill_timeout.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/auren"]
CMD ["serve"]
