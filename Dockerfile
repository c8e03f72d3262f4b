# kaito-gitops: the webhook + controller (`serve`), and the Argo CD plugin sidecar (`generate`).
# Build: docker build -t kaito-gitops:0.1.0 .

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS production-deps
WORKDIR /opt/kaito-gitops
COPY package.json package-lock.json ./
# Production dependencies only; the build's prepare script needs the dev dependencies.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/kaito-gitops
COPY --from=production-deps /opt/kaito-gitops/node_modules ./node_modules
COPY --from=build /src/package.json ./
COPY --from=build /src/dist ./dist
COPY --from=build /src/plugin ./plugin
# `kaito-gitops` on PATH: the Argo CD plugin's commands call it by name.
RUN chmod 0755 dist/cli/kaito-gitops.js && ln -s /opt/kaito-gitops/dist/cli/kaito-gitops.js /usr/local/bin/kaito-gitops
# Non-root by default; the Argo CD sidecar runs it as 999, as Argo CD requires.
USER 65532:65532
EXPOSE 9443
ENTRYPOINT ["kaito-gitops"]
CMD ["serve"]
