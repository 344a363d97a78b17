// Integration tests of the REST API with a fake model: the real Fastify server on an ephemeral
// loopback port, every route, every bad-input case, dynamic batching, metrics and request logs.
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../src/server.js";
import type { LoadedModel } from "../src/predictor.js";
import { fakeModel, fakePredictor, LABELS, type FakePredictor } from "./helpers.js";

const paper = (title: string) => ({ title, summary: "We study things." });

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface Rig {
  server: RunningServer;
  predictor: FakePredictor;
  logs: string[];
  release: () => void;
}

async function rig(opts: { delayMs?: number; until?: Promise<void>; timeoutMs?: number; fail?: boolean; deferLoad?: boolean } = {}): Promise<Rig> {
  const predictor = fakePredictor({
    ...(opts.delayMs === undefined ? {} : { delayMs: opts.delayMs }),
    ...(opts.until === undefined ? {} : { until: opts.until }),
    ...(opts.fail === true ? { fail: true } : {}),
  });
  const log = new PassThrough();
  const logs: string[] = [];
  log.on("data", (chunk: Buffer) =>
    logs.push(
      ...chunk
        .toString("utf8")
        .split("\n")
        .filter((l) => l !== ""),
    ),
  );
  let release = (): void => undefined;
  const gate = new Promise<void>((r) => (release = r));
  if (opts.deferLoad !== true) release();
  const server = await startServer(
    {
      host: "127.0.0.1",
      port: 0,
      shutdownGraceMs: 5000,
      serve: {
        log,
        bodyLimit: 4096,
        maxBatchItems: 8,
        batcher: { maxBatch: 16, windowMs: 10, timeoutMs: opts.timeoutMs ?? 5000, maxQueue: 1000 },
      },
    },
    async (): Promise<LoadedModel> => {
      await gate;
      return fakeModel(predictor);
    },
  );
  return { server, predictor, logs, release };
}

describe("REST API", () => {
  let r: Rig;
  let url: string;
  beforeAll(async () => {
    r = await rig({ deferLoad: true });
    url = r.server.url;
  });
  afterAll(async () => {
    await r.server.shutdown();
  });

  it("is live before the model loads, ready after", async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const notReady = await fetch(`${url}/ready`);
    expect(notReady.status).toBe(503);
    const early = await post(`${url}/predict`, paper("x"));
    expect(early.status).toBe(503);
    expect(early.json.error).toBe("model-not-ready");
    r.release();
    await r.server.ready;
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { model: { version: string } }).model.version).toBe("fake0123456789ab");
  });

  it("predicts one paper", async () => {
    const { status, json } = await post(`${url}/predict`, paper("a cs.LG paper"));
    expect(status).toBe(200);
    expect(json.category).toBe("cs.LG");
    expect(json.confidence).toBeCloseTo(0.9, 5);
    expect(json.model_version).toBe("fake0123456789ab");
    const topk = json.top_k as { category: string; probability: number }[];
    expect(topk).toHaveLength(LABELS.length);
    expect(topk[0]).toEqual({ category: "cs.LG", probability: json.confidence });
  });

  it("honours ?k= and echoes ids", async () => {
    const { json } = await post(`${url}/predict?k=2`, { id: "p1", ...paper("cs.CL") });
    expect(json.id).toBe("p1");
    expect(json.top_k).toHaveLength(2);
  });

  it("predicts a batch, in order", async () => {
    const papers = ["cs.AI", "math.NA", "cs.CL"].map((t, i) => ({ id: `x${i}`, ...paper(t) }));
    const { status, json } = await post(`${url}/predict/batch`, { papers });
    expect(status).toBe(200);
    const preds = json.predictions as { id: string; category: string }[];
    expect(preds.map((p) => [p.id, p.category])).toEqual([
      ["x0", "cs.AI"],
      ["x1", "math.NA"],
      ["x2", "cs.CL"],
    ]);
    expect(json.model_version).toBe("fake0123456789ab");
  });

  it.each([
    ["missing title", { summary: "s" }, "missing-field", "title"],
    ["missing summary", { title: "t" }, "missing-field", "summary"],
    ["empty title", { title: "", summary: "s" }, "empty-field", "title"],
    ["blank summary", { title: "t", summary: "  \n " }, "empty-field", "summary"],
    ["number title", { title: 5, summary: "s" }, "wrong-type", "title"],
    ["null summary", { title: "t", summary: null }, "wrong-type", "summary"],
    ["array body", [1, 2], "wrong-type", "body"],
    ["string body", '"hello"', "wrong-type", "body"],
  ])("/predict rejects %s", async (_name, body, code, field) => {
    const { status, json } = await post(`${url}/predict`, body);
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: code, field });
    expect(typeof json.message).toBe("string");
  });

  it.each([
    ["too many items", { papers: Array.from({ length: 9 }, () => paper("t")) }, "too-many-items", "papers"],
    ["no items", { papers: [] }, "empty-batch", "papers"],
    ["papers not an array", { papers: "x" }, "wrong-type", "papers"],
    ["missing papers", {}, "missing-field", "papers"],
    ["bad item", { papers: [paper("t"), { title: "t", summary: "" }] }, "empty-field", "papers[1].summary"],
    ["bad item type", { papers: [paper("t"), 7] }, "wrong-type", "papers[1]"],
  ])("/predict/batch rejects %s", async (_name, body, code, field) => {
    const { status, json } = await post(`${url}/predict/batch`, body);
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: code, field });
  });

  it("rejects invalid JSON, empty bodies, other media types, oversized bodies, bad k", async () => {
    expect(await post(`${url}/predict`, '{"title": "t", ')).toMatchObject({ status: 400, json: { error: "invalid-json", field: "body" } });
    expect(await post(`${url}/predict`, "")).toMatchObject({ status: 400, json: { error: "empty-body" } });
    expect(await post(`${url}/predict`, "title=t", { "content-type": "text/plain" })).toMatchObject({ status: 415, json: { error: "unsupported-media-type" } });
    expect(await post(`${url}/predict`, { title: "t", summary: "x".repeat(5000) })).toMatchObject({
      status: 413,
      json: { error: "body-too-large", field: "body" },
    });
    expect(await post(`${url}/predict?k=0`, paper("t"))).toMatchObject({ status: 400, json: { field: "k" } });
    expect(await post(`${url}/predict?k=abc`, paper("t"))).toMatchObject({ status: 400, json: { field: "k" } });
    const nf = await fetch(`${url}/nope`);
    expect(nf.status).toBe(404);
    expect(await nf.json()).toMatchObject({ error: "not-found" });
  });

  it("batches concurrent requests into few model calls, each answered with its own result", async () => {
    r.predictor.calls.length = 0;
    const titles = Array.from({ length: 40 }, (_, i) => LABELS[i % LABELS.length] as string);
    const answers = await Promise.all(titles.map((t, i) => post(`${url}/predict`, { id: `c${i}`, ...paper(t) })));
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expect(a.json.id).toBe(`c${i}`);
      expect(a.json.category).toBe(titles[i]);
    });
    expect(r.predictor.calls.reduce((a, b) => a + b, 0)).toBe(40);
    expect(r.predictor.calls.length).toBeLessThan(40);
    expect(Math.max(...r.predictor.calls)).toBeLessThanOrEqual(16);
  });

  it("serves the OpenAPI description at /docs", async () => {
    const res = await fetch(`${url}/docs`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/predict", "/predict/batch", "/health", "/ready", "/metrics", "/docs"]));
  });

  it("counts requests by route and status in /metrics", async () => {
    const counted = (await r.server.serveApp.metrics.requests.get()).values;
    const before = counted.find((v) => v.labels.route === "/predict" && v.labels.method === "POST" && v.labels.status === "200")?.value ?? 0;
    await post(`${url}/predict`, paper("cs.AI"));
    await post(`${url}/predict`, { title: "" });
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    const line = (name: string) => text.split("\n").find((l) => l.startsWith(name));
    expect(line('http_requests_total{method="POST",route="/predict",status="200"}')).toBe(
      `http_requests_total{method="POST",route="/predict",status="200"} ${before + 1}`,
    );
    expect(line('http_requests_total{method="POST",route="/predict",status="400"}')).toBeDefined();
    expect(line('http_request_duration_seconds_bucket{le="+Inf",route="/predict"}')).toBeDefined();
    expect(line("http_requests_in_flight ")).toBe("http_requests_in_flight 1"); // this request
    expect(line("model_load_seconds ")).toBe("model_load_seconds 0.012");
    expect(line("model_batch_size_count")).toBeDefined();
    expect(line("process_max_resident_memory_bytes ")).toMatch(/ \d+$/);
  });

  it("writes one JSON log line per request, with latency", async () => {
    const n = r.logs.length;
    await fetch(`${url}/health`);
    await new Promise((res) => setTimeout(res, 20));
    const lines = r.logs.slice(n).map((l) => JSON.parse(l) as Record<string, unknown>);
    const reqLines = lines.filter((l) => l.msg === "request");
    expect(reqLines).toHaveLength(1);
    expect(reqLines[0]).toMatchObject({ method: "GET", route: "/health", status: 200 });
    expect(typeof reqLines[0]?.latency_ms).toBe("number");
  });
});

describe("REST API failure modes", () => {
  it("answers 503 when the model is too slow, and keeps serving", async () => {
    let release = (): void => undefined;
    const stuck = new Promise<void>((r) => (release = r));
    const r = await rig({ until: stuck, timeoutMs: 100 });
    await r.server.ready;
    const { status, json } = await post(`${r.server.url}/predict`, paper("t"));
    expect(status).toBe(503);
    expect(json.error).toBe("model-timeout");
    // The answer came while the model call was still running: the timeout answered, not the model.
    expect(r.predictor.calls).toEqual([1]);
    expect(r.predictor.completed).toBe(0);
    expect((await fetch(`${r.server.url}/health`)).status).toBe(200);
    release();
    await r.server.shutdown();
    expect(r.predictor.completed).toBe(1);
  });

  it("answers 500 with a JSON error when the model throws", async () => {
    const r = await rig({ fail: true });
    await r.server.ready;
    const { status, json } = await post(`${r.server.url}/predict`, paper("t"));
    expect(status).toBe(500);
    expect(json.error).toBe("internal-error");
    expect((await post(`${r.server.url}/predict`, paper("t"))).status).toBe(500);
    await r.server.shutdown();
  });
});
