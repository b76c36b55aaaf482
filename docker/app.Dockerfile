# One image for every Node process of the system (services, workers, static servers, jobs);
# docker-compose.yml picks the command. Build context: the repository root.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY . .
# postinstall generates the Prisma client (offline-capable); then every app is built
RUN npm ci --no-audit --no-fund && node node_modules/nx/dist/bin/nx.js run-many -t build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
# a CJK font, so the reviewers' watermark (仅供医师资格考试审核使用) renders in Chinese
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production HOST=0.0.0.0
COPY --from=build /app /app
RUN mkdir -p /data/blobs /data/sms && chown -R node:node /data
USER node
