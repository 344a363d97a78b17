// Unit tests of the pure parts: the dynamic batcher, metric rendering, error field paths, the card.
import { describe, expect, it } from "vitest";
import { fieldPath } from "../src/app.js";
import { DynamicBatcher, OverloadedError, TimeoutError } from "../src/batcher.js";
import { parseCard } from "#model-contract/export-card.js";
import { Counter, Histogram, Registry } from "prom-client";
import { ServeMetrics } from "../src/metrics.js";
import { PredFormatter } from "../src/pred-writer.js";
import { truncateIds } from "#model-contract/paper-tokenizer.js";
import { padBatch } from "../src/transformer-predictor.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("DynamicBatcher", () => {
  it("groups items submitted together and answers each request with its own results", async () => {
    const calls: number[][] = [];
    const b = new DynamicBatcher<number, number>(async (xs) => (calls.push(xs), xs.map((x) => x * 10)), {
      maxBatch: 8,
      windowMs: 5,
      timeoutMs: 1000,
      maxQueue: 100,
    });
    const out = await Promise.all([b.submit([1]), b.submit([2, 3]), b.submit([4])]);
    expect(out).toEqual([[10], [20, 30], [40]]);
    expect(calls).toEqual([[1, 2, 3, 4]]);
  });

  it("caps batches at maxBatch and queues the rest behind the running call", async () => {
    const calls: number[] = [];
    const b = new DynamicBatcher<number, number>(async (xs) => (calls.push(xs.length), await sleep(20), xs), {
      maxBatch: 3,
      windowMs: 0,
      timeoutMs: 1000,
      maxQueue: 100,
    });
    const first = b.submit([0]);
    const rest = Array.from({ length: 7 }, (_, i) => b.submit([i + 1]));
    expect(await Promise.all([first, ...rest])).toEqual(Array.from({ length: 8 }, (_, i) => [i]));
    // windowMs 0 still gathers what arrived in the same event-loop turn.
    expect(calls).toEqual([3, 3, 2]);
    await b.idle();
    const one = new DynamicBatcher<number, number>(async (xs) => (calls.push(xs.length), xs), { maxBatch: 1, windowMs: 0, timeoutMs: 1000, maxQueue: 100 });
    calls.length = 0;
    await Promise.all([one.submit([1]), one.submit([2]), one.submit([3])]);
    expect(calls).toEqual([1, 1, 1]);
  });

  it("times a slow call out, rejects when the queue is full, and propagates model errors", async () => {
    const slow = new DynamicBatcher<number, number>(async (xs) => (await sleep(200), xs), { maxBatch: 4, windowMs: 0, timeoutMs: 30, maxQueue: 2 });
    await expect(slow.submit([1])).rejects.toBeInstanceOf(TimeoutError);
    const waiting = slow.submit([2, 3]).catch((e: unknown) => e);
    await expect(slow.submit([4])).rejects.toBeInstanceOf(OverloadedError);
    expect(await waiting).toBeInstanceOf(TimeoutError);
    const failing = new DynamicBatcher<number, number>(async () => {
      throw new Error("boom");
    });
    await expect(failing.submit([1])).rejects.toThrow("boom");
    await expect(failing.submit([])).resolves.toEqual([]);
  });
});

describe("metrics", () => {
  it("renders counters and histograms in Prometheus text format", async () => {
    const registry = new Registry();
    const lines = async (name: string): Promise<string[]> => (await registry.getSingleMetricAsString(name)).split("\n");
    const c = new Counter({ name: "reqs_total", help: "Requests.", labelNames: ["route", "status"], registers: [registry] });
    // prom-client writes series in the order they first appear (the hand-written renderer sorted them).
    c.inc({ route: "/a", status: "200" }, 2);
    c.inc({ route: "/b", status: "200" });
    expect(await lines("reqs_total")).toEqual([
      "# HELP reqs_total Requests.",
      "# TYPE reqs_total counter",
      'reqs_total{route="/a",status="200"} 2',
      'reqs_total{route="/b",status="200"} 1',
    ]);
    const h = new Histogram({ name: "lat_seconds", help: "Latency.", buckets: [0.1, 1], registers: [registry] });
    h.observe(0.05);
    h.observe(0.5);
    h.observe(3);
    expect((await lines("lat_seconds")).slice(2)).toEqual([
      'lat_seconds_bucket{le="0.1"} 1',
      'lat_seconds_bucket{le="1"} 2',
      'lat_seconds_bucket{le="+Inf"} 3',
      "lat_seconds_sum 3.55",
      "lat_seconds_count 3",
    ]);
  });

  it("exposes the server's metrics under the names the README lists, one registry per app", async () => {
    const a = new ServeMetrics();
    a.requests.inc({ method: "POST", route: "/predict", status: "200" });
    a.latency.observe({ route: "/predict" }, 0.02);
    a.inFlight.inc();
    a.modelInfo.set({ kind: "baseline", version: "v1" }, 1);
    const text = await a.render();
    for (const [name, type] of [
      ["http_requests_total", "counter"],
      ["http_request_duration_seconds", "histogram"],
      ["http_requests_in_flight", "gauge"],
      ["model_load_seconds", "gauge"],
      ["model_batch_size", "histogram"],
      ["model_inference_duration_seconds", "histogram"],
      ["process_resident_memory_bytes", "gauge"],
    ] as const) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} ${type}$`, "m"));
    }
    expect(text).toMatch(/^http_requests_total\{method="POST",route="\/predict",status="200"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="0.025",route="\/predict"\} 1$/m);
    expect(text).toMatch(/^model_info\{kind="baseline",version="v1"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes [1-9]\d*$/m);
    expect(await new ServeMetrics().render()).not.toMatch(/^http_requests_total\{/m);
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});

describe("helpers", () => {
  it("names fields as paths", () => {
    expect(fieldPath("/papers/3/title")).toBe("papers[3].title");
    expect(fieldPath("", "title")).toBe("title");
    expect(fieldPath("")).toBe("body");
  });

  it("parses a card and rejects a bad one naming the field", () => {
    const c = parseCard('{"kind":"baseline","labels":["a","b"],"data_digest":"d"}', "card.json");
    expect(c).toMatchObject({ kind: "baseline", labels: ["a", "b"], dataDigest: "d", lockDigest: null });
    expect(c.version).toMatch(/^[0-9a-f]{16}$/);
    expect(() => parseCard('{"kind":"svm","labels":["a"]}', "card.json")).toThrow(/"kind"/);
    expect(() => parseCard('{"kind":"baseline","labels":[]}', "card.json")).toThrow(/"labels"/);
    expect(() => parseCard("{", "card.json")).toThrow(/invalid JSON/);
  });

  it("pads and truncates token rows like the embed stage", () => {
    const b = padBatch(
      [
        [101, 5, 102],
        [101, 102],
      ],
      0,
    );
    expect(b).toMatchObject({ batch: 2, seq: 3 });
    expect(Array.from(b.inputIds, Number)).toEqual([101, 5, 102, 101, 102, 0]);
    expect(Array.from(b.attentionMask, Number)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(truncateIds([[101, 1, 2, 3, 102]], 4)).toEqual([[101, 1, 2, 102]]);
  });

  it("formats prediction rows as CSV and JSON", () => {
    const row = { id: "x,1", category: "b", confidence: 0.75, probs: Float32Array.from([0.25, 0.75]) };
    const csv = new PredFormatter("csv", ["a", "b"]);
    expect(csv.header() + csv.row(row)).toBe('id,category,confidence,prob_a,prob_b\n"x,1",b,0.75,0.25,0.75\n');
    const json = new PredFormatter("json", ["a", "b"]);
    const text = json.header() + json.row(row) + json.row({ ...row, id: undefined }) + json.footer();
    expect(JSON.parse(text)).toEqual([
      { id: "x,1", category: "b", confidence: 0.75, probabilities: { a: 0.25, b: 0.75 } },
      { category: "b", confidence: 0.75, probabilities: { a: 0.25, b: 0.75 } },
    ]);
    const empty = new PredFormatter("json", ["a"]);
    expect(JSON.parse(empty.header() + empty.footer())).toEqual([]);
  });
});
