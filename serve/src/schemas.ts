// JSON schemas of the REST API: Fastify validates requests against them, and the OpenAPI document
// served at /docs is assembled from the same objects, so the docs cannot drift from the checks.

/** A non-empty text: at least one non-space character. */
const text = (what: string) => ({ type: "string", minLength: 1, pattern: "\\S", description: what }) as const;

export const paperSchema = {
  type: "object",
  required: ["title", "summary"],
  properties: {
    id: { type: "string", description: "Echoed back in the answer (optional)." },
    title: text("The paper's title."),
    summary: text("The paper's abstract."),
  },
} as const;

export const predictQuerySchema = {
  type: "object",
  properties: { k: { type: "string", pattern: "^[1-9][0-9]{0,3}$", description: "Size of top_k, 1..9999 (default 5)." } },
} as const;

export function batchBodySchema(maxItems: number) {
  return {
    type: "object",
    required: ["papers"],
    properties: { papers: { type: "array", minItems: 1, maxItems, items: paperSchema } },
  } as const;
}

const ranked = {
  type: "object",
  properties: { category: { type: "string" }, probability: { type: "number" } },
} as const;

export const predictionSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    category: { type: "string" },
    confidence: { type: "number" },
    top_k: { type: "array", items: ranked },
    model_version: { type: "string" },
  },
} as const;

export const batchReplySchema = {
  type: "object",
  properties: { predictions: { type: "array", items: predictionSchema }, model_version: { type: "string" } },
} as const;

export const errorSchema = {
  type: "object",
  properties: {
    error: { type: "string", description: "A kebab-case code: missing-field, empty-field, wrong-type, invalid-json, body-too-large, too-many-items, ..." },
    message: { type: "string" },
    field: { type: "string", description: "The offending field, as a path (`papers[2].title`), when one is to blame." },
  },
} as const;

function errors(...codes: number[]): Record<string, unknown> {
  return Object.fromEntries(codes.map((c) => [String(c), { description: "Error", content: { "application/json": { schema: errorSchema } } }]));
}

/** The OpenAPI 3.1 description of the API. */
export function openApiDocument(opts: { maxBatchItems: number; bodyLimit: number; version: string }): Record<string, unknown> {
  const json = (schema: unknown) => ({ "application/json": { schema } });
  return {
    openapi: "3.1.0",
    info: {
      title: "pipe arXiv category classifier",
      version: opts.version,
      description: `Predicts an arXiv paper's primary category from its title and abstract. Bodies over ${opts.bodyLimit} bytes get 413.`,
    },
    paths: {
      "/predict": {
        post: {
          summary: "Classify one paper",
          parameters: [{ name: "k", in: "query", schema: predictQuerySchema.properties.k }],
          requestBody: { required: true, content: json(paperSchema) },
          responses: { "200": { description: "The prediction", content: json(predictionSchema) }, ...errors(400, 413, 415, 503) },
        },
      },
      "/predict/batch": {
        post: {
          summary: `Classify up to ${opts.maxBatchItems} papers`,
          parameters: [{ name: "k", in: "query", schema: predictQuerySchema.properties.k }],
          requestBody: { required: true, content: json(batchBodySchema(opts.maxBatchItems)) },
          responses: { "200": { description: "One prediction per paper, in order", content: json(batchReplySchema) }, ...errors(400, 413, 415, 503) },
        },
      },
      "/health": { get: { summary: "Liveness", responses: { "200": { description: "The process is up" } } } },
      "/ready": { get: { summary: "Readiness: the model is loaded", responses: { "200": { description: "Ready" }, "503": { description: "Loading" } } } },
      "/metrics": {
        get: {
          summary: "Prometheus metrics",
          responses: { "200": { description: "text/plain; version=0.0.4", content: { "text/plain": { schema: { type: "string" } } } } },
        },
      },
      "/docs": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1 JSON" } } } },
    },
  };
}
