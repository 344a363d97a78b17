// The REST API as a Fastify app: schema-validated /predict and /predict/batch through the dynamic
// batcher, /health, /ready, /metrics and /docs, JSON errors naming the field, one log line a request.
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { DynamicBatcher, DEFAULT_BATCHER, OverloadedError, TimeoutError, type BatcherOptions } from "./batcher.js";
import { ServeMetrics } from "./metrics.js";
import { topK, type LoadedModel, type PaperInput } from "./predictor.js";
import { batchBodySchema, batchReplySchema, errorSchema, openApiDocument, paperSchema, predictionSchema, predictQuerySchema } from "./schemas.js";

export interface ServeOptions {
  /** Most papers in one /predict/batch request. */
  readonly maxBatchItems: number;
  /** Largest request body in bytes (413 beyond). */
  readonly bodyLimit: number;
  readonly batcher: BatcherOptions;
  /** Whole-request deadline at the HTTP layer (slow or stalled uploads get 408). */
  readonly requestTimeoutMs: number;
  /** Default size of `top_k`. */
  readonly topK: number;
  /** Request logs: JSON lines to this stream (stdout in the CLI); false for none. */
  readonly log: false | NodeJS.WritableStream;
}

export const DEFAULT_SERVE: ServeOptions = {
  maxBatchItems: 64,
  bodyLimit: 1024 * 1024,
  batcher: DEFAULT_BATCHER,
  requestTimeoutMs: 30_000,
  topK: 5,
  log: false,
};

export interface ServeApp {
  readonly app: FastifyInstance;
  readonly metrics: ServeMetrics;
  /** Installs the loaded model: /ready turns 200 and /predict starts answering. */
  setModel(model: LoadedModel): void;
  /** Resolves when no model call is queued or running. */
  idle(): Promise<void>;
}

interface Prediction {
  id?: string;
  category: string;
  confidence: number;
  top_k: { category: string; probability: number }[];
  model_version: string;
}

type PaperBody = PaperInput & { readonly id?: string };

/** A JSON error answer: `{error, message, field?}`. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** `/papers/3/title` → `papers[3].title`. */
export function fieldPath(pointer: string, extra?: string): string {
  const parts = pointer.split("/").filter((p) => p !== "");
  if (extra !== undefined) parts.push(extra);
  let out = "";
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === "" ? p : `.${p}`;
  return out === "" ? "body" : out;
}

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** Maps the first schema violation to a code and the field it concerns. */
export function validationError(errs: readonly AjvError[], context: string): HttpError {
  const e = errs[0];
  if (e === undefined) return new HttpError(400, "invalid-request", "invalid request");
  const missing = typeof e.params.missingProperty === "string" ? e.params.missingProperty : undefined;
  const field = fieldPath(e.instancePath, e.keyword === "required" ? missing : undefined);
  const where = context === "querystring" ? `query parameter ${field}` : field;
  if (context === "querystring")
    return new HttpError(400, "invalid-query", `${where} ${field === "k" ? "must be an integer from 1 to 9999" : (e.message ?? "is invalid")}`, field);
  switch (e.keyword) {
    case "required":
      return new HttpError(400, "missing-field", `${where} is required`, field);
    case "type":
      return new HttpError(400, "wrong-type", `${where} must be ${String(e.params.type)}`, field);
    case "minLength":
    case "pattern":
      return new HttpError(400, "empty-field", `${where} must be a non-empty text`, field);
    case "maxItems":
      return new HttpError(400, "too-many-items", `${where} holds more than ${String(e.params.limit)} papers`, field);
    case "minItems":
      return new HttpError(400, "empty-batch", `${where} must hold at least one paper`, field);
    default:
      return new HttpError(400, "invalid-field", `${where} ${e.message ?? "is invalid"}`, field);
  }
}

function toHttpError(err: FastifyError | Error): HttpError {
  if (err instanceof HttpError) return err;
  const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (Array.isArray(fe.validation)) return validationError(fe.validation, fe.validationContext ?? "body");
  if (err instanceof TimeoutError) return new HttpError(503, "model-timeout", err.message);
  if (err instanceof OverloadedError) return new HttpError(503, "overloaded", err.message);
  switch (fe.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new HttpError(413, "body-too-large", "the request body is over the size limit", "body");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new HttpError(400, "invalid-json", `the body is not valid JSON: ${fe.message}`, "body");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new HttpError(400, "empty-body", "the body is empty; send a JSON object", "body");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new HttpError(415, "unsupported-media-type", "send the body as application/json", "content-type");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new HttpError(400, "invalid-content-length", "the Content-Length does not match the body", "body");
    default:
      break;
  }
  if (err instanceof SyntaxError || fe.statusCode === 400) {
    return new HttpError(400, err instanceof SyntaxError ? "invalid-json" : "bad-request", err.message, "body");
  }
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new HttpError(fe.statusCode, "bad-request", err.message);
  }
  return new HttpError(500, "internal-error", "the server failed to answer; see its log");
}

/** `?k=` (validated as digits by the schema; the body's ajv does not coerce types). */
const kOf = (k: string | undefined, fallback: number): number => (k === undefined ? fallback : Number(k));

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function buildApp(options: Partial<ServeOptions> = {}): ServeApp {
  const opts: ServeOptions = { ...DEFAULT_SERVE, ...options };
  const metrics = new ServeMetrics();
  const app = Fastify({
    logger: opts.log === false ? false : { level: "info", stream: opts.log },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit,
    requestTimeout: opts.requestTimeoutMs,
    return503OnClosing: true,
    forceCloseConnections: "idle",
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
  });
  // JSON only: a text/plain body gets 415 rather than a confusing type error.
  app.removeContentTypeParser("text/plain");
  let model: LoadedModel | undefined;
  let batcher: DynamicBatcher<PaperInput, Float32Array> | undefined;

  const answer = (probs: Float32Array, k: number, id?: string): Prediction => {
    const m = model as LoadedModel;
    const ranked = topK(m.predictor.labels, probs, Math.min(k, m.predictor.labels.length));
    const best = ranked[0] ?? { category: "", probability: 0 };
    const p: Prediction = {
      category: best.category,
      confidence: round6(best.probability),
      top_k: ranked.map((r) => ({ category: r.category, probability: round6(r.probability) })),
      model_version: m.predictor.version,
    };
    return id === undefined ? p : { id, ...p };
  };

  const run = async (papers: readonly PaperBody[]): Promise<Float32Array[]> => {
    if (batcher === undefined) throw new HttpError(503, "model-not-ready", "the model is still loading; retry when GET /ready answers 200");
    metrics.queued.set(batcher.queued + papers.length);
    return batcher.submit(papers.map((p) => ({ title: p.title, summary: p.summary })));
  };

  // Metrics and the one structured log line per request.
  const counted = new WeakSet<FastifyRequest>();
  app.addHook("onRequest", async (req) => {
    counted.add(req);
    metrics.inFlight.inc();
  });
  const finish = (req: FastifyRequest, reply: FastifyReply): void => {
    if (!counted.delete(req)) return;
    metrics.inFlight.dec();
    const route = req.routeOptions.url ?? "unmatched";
    const status = String(reply.statusCode);
    metrics.requests.inc({ method: req.method, route, status });
    metrics.latency.observe({ route }, reply.elapsedTime / 1000);
    req.log.info({ method: req.method, url: req.url, route, status: reply.statusCode, latency_ms: Math.round(reply.elapsedTime * 100) / 100 }, "request");
  };
  app.addHook("onResponse", async (req, reply) => finish(req, reply));
  // While shutting down, answers to in-flight requests close their keep-alive connection, so
  // app.close() is not held open by idle clients.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_req, reply, payload) => {
    if (closing) void reply.header("connection", "close");
    return payload;
  });
  app.addHook("onRequestAbort", async (req) => {
    if (counted.delete(req)) metrics.inFlight.dec();
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const h = toHttpError(err);
    if (h.status >= 500 && h.code === "internal-error") req.log.error({ err }, "internal error");
    if (h.status === 503) void reply.header("retry-after", "1");
    const body: { error: string; message: string; field?: string } = { error: h.code, message: h.message };
    if (h.field !== undefined) body.field = h.field;
    void reply.code(h.status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: "not-found", message: `no route ${req.method} ${req.url.split("?")[0] ?? ""}` });
  });

  const errReplies = { 400: errorSchema, 413: errorSchema, 503: errorSchema };
  app.post<{ Body: PaperBody; Querystring: { k?: string } }>(
    "/predict",
    { schema: { body: paperSchema, querystring: predictQuerySchema, response: { 200: predictionSchema, ...errReplies } } },
    async (req) => {
      const [probs] = await run([req.body]);
      return answer(probs as Float32Array, kOf(req.query.k, opts.topK), req.body.id);
    },
  );
  app.post<{ Body: { papers: PaperBody[] }; Querystring: { k?: string } }>(
    "/predict/batch",
    { schema: { body: batchBodySchema(opts.maxBatchItems), querystring: predictQuerySchema, response: { 200: batchReplySchema, ...errReplies } } },
    async (req) => {
      const probs = await run(req.body.papers);
      const k = kOf(req.query.k, opts.topK);
      return {
        predictions: probs.map((p, i) => answer(p, k, req.body.papers[i]?.id)),
        model_version: (model as LoadedModel).predictor.version,
      };
    },
  );
  app.get("/health", async () => ({ status: "ok" }));
  app.get("/ready", async (_req, reply) => {
    if (model === undefined) return reply.code(503).send({ ready: false, error: "model-not-ready", message: "the model is still loading" });
    const { card, loadMs, predictor } = model;
    return {
      ready: true,
      model: {
        kind: predictor.kind,
        version: predictor.version,
        labels: predictor.labels.length,
        load_seconds: loadMs / 1000,
        data_digest: card.dataDigest,
        lock_digest: card.lockDigest,
        created: card.created,
      },
    };
  });
  app.get("/metrics", async (_req, reply) => {
    if (batcher !== undefined) metrics.queued.set(batcher.queued);
    return reply.type(metrics.contentType).send(await metrics.render());
  });
  const docs = async () => openApiDocument({ maxBatchItems: opts.maxBatchItems, bodyLimit: opts.bodyLimit, version: model?.predictor.version ?? "unloaded" });
  app.get("/docs", docs);
  app.get("/openapi.json", docs);

  return {
    app,
    metrics,
    setModel(m) {
      model = m;
      batcher = new DynamicBatcher<PaperInput, Float32Array>((papers) => m.predictor.predict(papers), opts.batcher, {
        onBatch(size, ms, failed) {
          metrics.batchSize.observe(size);
          metrics.inference.observe(ms / 1000);
          if (failed) metrics.inferenceErrors.inc();
        },
      });
      metrics.modelLoad.set(m.loadMs / 1000);
      metrics.modelInfo.set({ kind: m.predictor.kind, version: m.predictor.version }, 1);
    },
    idle: () => batcher?.idle() ?? Promise.resolve(),
  };
}
