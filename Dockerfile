# Production image for the MNIST digit-recognition service.
#
#   docker build -t mnist-prediction:latest .
#   docker run -d -p 5000:5000 mnist-prediction
#   curl --form file=@images_test/images_test_2.jpg localhost:5000/api   # {"images_test_2.jpg":"2"}
#
# Two stages: `build` installs every dependency and compiles TypeScript to dist/; the runtime stage
# starts again from the slim base with production dependencies only, so the compiler, test tools
# and the MNIST training data never reach the shipped image.

# Node major version: 24, an LTS line (supported to April 2028) with bookworm-slim images on Docker Hub.
# CI builds with --build-arg NODE_VERSION=20, the Node it tests everything else on.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# Lockfile first: this layer (the slow one) is reused until the dependencies change. --omit=optional: the
# optional packages are platform binaries for dev tools (workerd's is 155 MB); of them the build needs only
# esbuild's (it bundles the command line, scripts/bundle-cli.mjs), fetched alone for this platform at the
# version the lockfile pins. --ignore-scripts: the build runs no package's install script; better-sqlite3 (a dev
# and optional peer dependency for the corrections store) would otherwise compile from source, which needs Python
# and a compiler the slim image lacks. The runtime stage stores corrections in PostgreSQL (docs/FEEDBACK.md).
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=optional --ignore-scripts \
 && binary="@esbuild/$(node -p 'process.platform + "-" + process.arch')" \
 && mkdir -p "node_modules/$binary" \
 && tar -xzf "$(npm pack --silent "$binary@$(node -p 'require("esbuild/package.json").version')")" \
      -C "node_modules/$binary" --strip-components=1 \
 && rm -f esbuild-*.tgz
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build-page-script.mjs scripts/bundle-cli.mjs ./scripts/
COPY src ./src
# Declarations and source maps (which point at src/, not shipped) are of no use at run time.
RUN npm run build \
 && find dist \( -name '*.d.ts' -o -name '*.map' \) -delete

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# --max-semi-space-size=2 (MB, per isolate: the main thread and each prediction worker): V8's default
# young generation grows to tens of MB per isolate under load and is not given back. Measured with
# 1,000 predictions (docs/DEPLOY.md), capping it cut the container's memory from 141 to 113 MiB
# (one worker) at the same throughput.
# MALLOC_ARENA_MAX=2, MALLOC_MMAP_THRESHOLD_=131072 (glibc): with a dozen threads (main, workers, V8 and libuv
# helpers) glibc gives each its own arena, and its dynamic mmap threshold climbs to the size of the largest buffer
# freed (the gunzipped model), so later large buffers stay in arenas that are never trimmed. Two arenas and a fixed
# 128 KB threshold: server RSS after 15-60 s of wrk -c16 on /api typically 202 -> 133-148 MB, ready 154 -> ~110 MB,
# same req/s (122-141 MB in 28 runs of 30 since the PNG inflater's buffers shrank; docs/SERVER.md). One arena was
# no better and slower.
# LD_PRELOAD jemalloc, MALLOC_CONF: glibc keeps what its arenas have freed. After an attack of 12 MP pictures
# (issue 22) the server sat at ~480 MB idle with the settings above; with jemalloc purging freed pages after 1 s
# (background thread) it came back to ~120-150 MB within 10 s (bench/soak.ts, docs/SERVER.md "Under attack").
# The glibc settings stay for a build without the library (the loader then ignores LD_PRELOAD, with a warning).
# MAX_IMAGE_PIXELS: the app's default (12 MP, a 4000x3000 photo), written out so every deployment file shows
# the same value (compose, Kubernetes and ECS set it too; test/deploy checks they agree).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libjemalloc2 \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s "$(find /usr/lib -name libjemalloc.so.2 | head -n 1)" /usr/local/lib/libjemalloc.so.2
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=2 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    LD_PRELOAD=/usr/local/lib/libjemalloc.so.2 \
    MALLOC_CONF=background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0 \
    PORT=5000 \
    HOST=0.0.0.0 \
    MAX_IMAGE_PIXELS=12000000
WORKDIR /app
# --ignore-scripts: no install script of a runtime dependency may run at build time; the cache is
# removed in the same layer so it adds nothing to the image.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf /root/.npm /tmp/*
# Everything stays owned by root and read-only to the app user: the process can't rewrite its own
# code or model, and the container runs with a read-only root filesystem.
COPY --from=build /app/dist ./dist
COPY model ./model
COPY images_test ./images_test
# NODE_EXTRA_CA_CERTS emptied once `npm ci` above has run: a base image built where a proxy inspects TLS (CI's local
# node:20-bookworm-slim) sets it so npm reaches the registry; the official image does not. Node 20 reads that file
# and builds its whole root store as every process starts (~40 ms before our first line on a 2-core EPYC, for the
# server and each HEALTHCHECK probe), and the server opens no TLS connection at start. A deployment that needs
# extra CAs (a PostgreSQL corrections store behind a private CA) sets it with `docker run -e`.
ENV NODE_EXTRA_CA_CERTS=

# The official image's unprivileged user (uid 1000). Kubernetes' runAsNonRoot needs a numeric UID
# to verify, so give it as a number.
USER 1000:1000
EXPOSE 5000
# No curl in a slim image, so node probes, with node:http rather than fetch: fetch loads undici, ~0.35 s of CPU
# per probe against ~0.1 s (2-core EPYC), every 30 s. 127.0.0.1 because HOST may bind all interfaces.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "require('http').get('http://127.0.0.1:'+(process.env.PORT||5000)+'/healthz',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
# Exec form with node itself as PID 1, not npm or a shell: SIGTERM from `docker stop` reaches the
# app, which closes the server and exits at once. The base image's docker-entrypoint.sh execs it.
CMD ["node", "dist/cli/main.js", "serve"]
