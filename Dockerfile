# syntax=docker/dockerfile:1
# alertrouter as a drop-in for the prom/alertmanager image: same config path, storage path,
# port and flags, so a compose file or Helm chart written for Alertmanager runs it unchanged.
#
#   docker build -t alertrouter .
#   docker run -p 9093:9093 -v am-data:/alertmanager -v ./alertmanager.yml:/etc/alertmanager/alertmanager.yml alertrouter

# Build stage: production dependencies (better-sqlite3's native addon is built here, with the
# toolchain the runtime image does not carry) and the compiled JavaScript.
FROM node:20-bookworm-slim AS build
WORKDIR /src
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Dependencies first, so editing the sources does not reinstall them. --ignore-scripts skips
# `prepare` (it needs the sources); better-sqlite3's own install step runs in the rebuild.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
# The package's own build (tsc, then the bundle the bin runs: scripts/bundle.mjs). Only src/ is
# copied, so tsc compiles only it (tests and benchmarks stay out of the image).
RUN npm run build && npm prune --omit=dev

# Runtime stage: Node, the production node_modules, dist/src and time zone data (templates
# and time intervals name zones), run as the unprivileged `node` user.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends tzdata \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /alertrouter
# package.json carries "type": "module", which the compiled ES modules need.
COPY package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/src ./dist/src
COPY routes.example.yaml /etc/alertmanager/alertmanager.yml
RUN mkdir -p /alertmanager && chown -R node:node /etc/alertmanager /alertmanager
USER node
# As the Alertmanager image: relative paths given on the command line resolve in the data folder.
WORKDIR /alertmanager
EXPOSE 9093
VOLUME ["/alertmanager"]
# `healthcheck --pid=1` reads the daemon's flags from PID 1 (the entrypoint, or the process
# docker-init runs under --init) and the web config they name: another --web.listen-address or
# route prefix, TLS (HTTPS, trusting cert_file) and basic auth (the daemon's 401 is an answer)
# need no change here. Only a client_auth_type that requires client certificates does.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD ["node", "/alertrouter/dist/src/main.js", "healthcheck", "--pid=1"]
ENTRYPOINT ["node", "/alertrouter/dist/src/main.js"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
