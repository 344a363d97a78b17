// `npm run serve`: starts the REST API (listening first, so /health answers while the model loads
// and /ready turns 200 once it is in), and shuts down gracefully on SIGTERM/SIGINT.
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { buildApp, DEFAULT_SERVE, type ServeApp, type ServeOptions } from "./app.js";
import { DEFAULT_BATCHER } from "./batcher.js";
import { ModelLoadError } from "#model-contract/export-card.js";
import { loadModel, type LoadedModel } from "./predictor.js";

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly serve: Partial<ServeOptions>;
  /** After SIGTERM, in-flight requests get this long before the process exits 1 anyway. */
  readonly shutdownGraceMs: number;
}

export interface RunningServer {
  readonly serveApp: ServeApp;
  /** `http://host:port` actually bound (port 0 picks a free one). */
  readonly url: string;
  /** Resolves once the model is installed (rejects if loading failed). */
  readonly ready: Promise<void>;
  /** Stops accepting, lets in-flight requests finish, releases the model. */
  shutdown(): Promise<void>;
}

/** Listens, then loads the model with `load` and installs it. */
export async function startServer(cfg: ServerConfig, load: () => Promise<LoadedModel>): Promise<RunningServer> {
  const serveApp = buildApp(cfg.serve);
  const { app } = serveApp;
  await app.listen({ host: cfg.host, port: cfg.port });
  const addr = app.server.address();
  const port = addr !== null && typeof addr === "object" ? addr.port : cfg.port;
  const url = `http://${cfg.host.includes(":") ? `[${cfg.host}]` : cfg.host}:${port}`;
  app.log.info({ event: "listening", url }, "listening");
  let loaded: LoadedModel | undefined;
  const ready = load().then((m) => {
    loaded = m;
    serveApp.setModel(m);
    app.log.info({ event: "ready", kind: m.predictor.kind, version: m.predictor.version, load_ms: Math.round(m.loadMs) }, "model loaded");
  });
  let closing: Promise<void> | undefined;
  return {
    serveApp,
    url,
    ready,
    shutdown() {
      closing ??= (async () => {
        await app.close();
        await serveApp.idle();
        await loaded?.predictor.close?.();
      })();
      return closing;
    },
  };
}

const USAGE = `usage: npm run serve -- [--model artifacts/export] [--host 127.0.0.1] [--port 8000]
  [--max-batch 32] [--batch-window-ms 2] [--no-batching] [--timeout-ms 10000] [--max-queue 4096]
  [--max-batch-items 64] [--body-limit 1048576] [--threads N] [--quiet]`;

function intOpt(values: Record<string, unknown>, name: string, fallback: number, min = 0): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ModelLoadError(`--${name} must be an integer >= ${min}, got ${String(raw)}`);
  return n;
}

export function parseServeArgs(argv: readonly string[]): { cfg: ServerConfig; modelDir: string; threads: number | undefined } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      model: { type: "string", default: "artifacts/export" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string" },
      "max-batch": { type: "string" },
      "batch-window-ms": { type: "string" },
      "no-batching": { type: "boolean", default: false },
      "timeout-ms": { type: "string" },
      "max-queue": { type: "string" },
      "max-batch-items": { type: "string" },
      "body-limit": { type: "string" },
      "request-timeout-ms": { type: "string" },
      "shutdown-grace-ms": { type: "string" },
      threads: { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const noBatching = values["no-batching"] === true;
  const batcher = {
    maxBatch: noBatching ? 1 : intOpt(values, "max-batch", DEFAULT_BATCHER.maxBatch, 1),
    windowMs: noBatching ? 0 : intOpt(values, "batch-window-ms", DEFAULT_BATCHER.windowMs),
    timeoutMs: intOpt(values, "timeout-ms", DEFAULT_BATCHER.timeoutMs, 1),
    maxQueue: intOpt(values, "max-queue", DEFAULT_BATCHER.maxQueue, 1),
  };
  const threads = values.threads === undefined ? undefined : intOpt(values, "threads", 0, 1);
  return {
    modelDir: values.model ?? "artifacts/export",
    threads,
    cfg: {
      host: values.host ?? "127.0.0.1",
      port: intOpt(values, "port", 8000),
      shutdownGraceMs: intOpt(values, "shutdown-grace-ms", 30_000),
      serve: {
        batcher,
        maxBatchItems: intOpt(values, "max-batch-items", DEFAULT_SERVE.maxBatchItems, 1),
        bodyLimit: intOpt(values, "body-limit", DEFAULT_SERVE.bodyLimit, 1),
        requestTimeoutMs: intOpt(values, "request-timeout-ms", DEFAULT_SERVE.requestTimeoutMs, 1),
        log: values.quiet === true ? false : process.stdout,
      },
    },
  };
}

/** Wires SIGTERM/SIGINT to a graceful shutdown: exit 0 once in-flight requests are answered. */
export function handleSignals(server: RunningServer, graceMs: number): void {
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signalled) {
      process.stderr.write(`serve: second ${sig}, exiting now\n`);
      process.exit(1);
    }
    signalled = true;
    server.serveApp.app.log.info({ event: "shutdown", signal: sig }, "shutting down");
    const force = setTimeout(() => {
      process.stderr.write(`serve: in-flight requests still running after ${graceMs} ms, exiting\n`);
      process.exit(1);
    }, graceMs);
    force.unref();
    server.shutdown().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`serve: shutdown failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

async function main(): Promise<void> {
  const { cfg, modelDir, threads } = parseServeArgs(process.argv.slice(2));
  const server = await startServer(cfg, () => loadModel(modelDir, threads === undefined ? {} : { threads }));
  handleSignals(server, cfg.shutdownGraceMs);
  await server.ready;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((err: unknown) => {
    const code = err instanceof Error && "code" in err ? String(err.code) : "";
    if (err instanceof ModelLoadError || code.startsWith("ERR_PARSE_ARGS") || /^E[A-Z]+$/.test(code)) {
      process.stderr.write(`serve: ${(err as Error).message}\n`);
    } else {
      process.stderr.write(`serve: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(1);
  });
}
