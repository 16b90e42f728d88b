# syntax=docker/dockerfile:1
# Build stage: compile TypeScript and build better-sqlite3's native addon.
FROM node:20-bookworm-slim AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY test ./test
COPY bench ./bench
RUN npm ci && npm prune --omit=dev

# Runtime stage: compiled JavaScript and production dependencies only, as a non-root user.
FROM node:20-bookworm-slim
WORKDIR /alertrouter
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json routes.example.yaml ./
RUN mkdir -p /etc/alertmanager /alertmanager \
 && cp routes.example.yaml /etc/alertmanager/alertmanager.yml \
 && chown -R node:node /etc/alertmanager /alertmanager
USER node
EXPOSE 9093
VOLUME ["/alertmanager"]
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:9093/-/healthy').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "/alertrouter/dist/src/main.js"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
