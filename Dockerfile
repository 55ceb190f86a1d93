# syntax=docker/dockerfile:1

# Build tools are needed only where npm installs: better-sqlite3 falls back to
# node-gyp when no prebuilt binary matches. sharp and argon2 ship npm prebuilds.
# Both install stages repeat the same apt layer, so BuildKit builds it once.
FROM node:24-slim AS deps
WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-slim AS build
WORKDIR /app
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig*.json ./
COPY src ./src
RUN npm run build
# The web app served at / (static files; its React/Vite dependencies stay in this stage).
COPY openapi ./openapi
COPY web ./web
RUN npm run build:web

FROM node:24-slim AS runtime
# util-linux (essential, named for its setpriv): ffmpeg dies with the app (src/media/video.ts).
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg util-linux \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data/media \
    && chown -R node:node /data
# Per-process memory budget (docs/BENCHMARKS.md). Without a limit V8 sizes the old generation
# for the host's RAM and lets garbage pile up to ~120 MiB between full collections; 192 MiB is
# ~5x the live heap under load. Small semi-spaces: cheaper scavenges of request garbage.
# npm run bench reads this line and starts its servers with the same flags.
ENV NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=192"
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    MEDIA_DIR=/data/media \
    DATA_DIR=/data \
    DATABASE_URL=sqlite:/data/photogram.db
WORKDIR /app
# Code stays root-owned: the app user can write only to /data.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
USER node
VOLUME ["/data"]
EXPOSE 3000
# node:24-slim has no curl or wget; Node's fetch does the probe.
HEALTHCHECK --interval=10s --timeout=5s --retries=5 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The server applies pending migrations before it listens (src/server.ts). deploy/deploy.sh
# also runs them first as a one-off (node dist/db/migrate.js up), so a failing migration stops
# the deployment before any running replica is replaced.
CMD ["node", "dist/server.js"]
