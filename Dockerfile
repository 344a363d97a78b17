# The arXiv category classifier's REST API (serve/). Multi-stage: `deps` installs production
# dependencies; `runtime` runs the server as the unprivileged `node` user with the model mounted
# at /model; `with-model` also copies artifacts/export into the image.
#   docker build -t pipe-classifier .                              # model mounted at run time
#   docker run -p 8000:8000 -v "$PWD/artifacts/export:/model:ro" pipe-classifier
#   docker build --target with-model -t pipe-classifier:model .   # model baked in
# Dependencies are needed at build time only: the image never reaches the network when it runs.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: onnxruntime-node ships its CPU binaries in the package; its script only
# fetches GPU providers. tsx (a production dependency) runs the TypeScript sources.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json tsconfig.json ./
COPY --chown=root:root serve/src ./serve/src
COPY --chown=root:root stages/lib ./stages/lib
USER node
EXPOSE 8000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8000/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node runs as PID 1 with no npm wrapper, so SIGTERM reaches the server's own handler: it stops
# accepting, finishes in-flight requests and exits 0.
ENTRYPOINT ["node", "--import", "tsx", "serve/src/server.ts"]
CMD ["--host", "0.0.0.0", "--port", "8000", "--model", "/model"]

FROM runtime AS with-model
COPY --chown=root:root artifacts/export /model

# The default target (last stage): the model is mounted at /model.
FROM runtime AS mounted
