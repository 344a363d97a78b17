// A baseline export end to end: the real server (in process, ephemeral loopback port) and the
// infer CLI on a tiny TF-IDF + logistic-regression package whose keywords decide the class.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../src/infer.js";
import { loadModel } from "../src/predictor.js";
import { startServer, type RunningServer } from "../src/server.js";
import { TINY_BASELINE_WORDS, TINY_LABELS, writeTinyBaselineExport } from "./fixtures/tiny-export.js";

let dir: string;
let model: string;
let server: RunningServer;

const paperFor = (label: (typeof TINY_LABELS)[number], i = 0) => ({
  id: `${label}-${i}`,
  title: `On ${TINY_BASELINE_WORDS[label][0] ?? ""}`,
  summary: `We study ${TINY_BASELINE_WORDS[label].join(" and ")}.`,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pipe-baseline-"));
  model = join(dir, "export");
  writeTinyBaselineExport(model, { features: 1000 });
  server = await startServer({ host: "127.0.0.1", port: 0, shutdownGraceMs: 5000, serve: { log: false } }, () => loadModel(model));
  await server.ready;
});
afterAll(async () => {
  await server.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe("baseline export over HTTP", () => {
  it("reports the model as ready and predicts each paper's own class under concurrency", async () => {
    const ready = (await (await fetch(`${server.url}/ready`)).json()) as { model: { kind: string; data_digest: string } };
    expect(ready.model).toMatchObject({ kind: "baseline", data_digest: "tiny-data-digest" });
    const papers = Array.from({ length: 30 }, (_, i) => paperFor(TINY_LABELS[i % TINY_LABELS.length] as (typeof TINY_LABELS)[number], i));
    const answers = await Promise.all(
      papers.map(async (p) => {
        const res = await fetch(`${server.url}/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(p) });
        return (await res.json()) as { id: string; category: string; confidence: number };
      }),
    );
    answers.forEach((a, i) => {
      expect(a.id).toBe(papers[i]?.id);
      expect(a.category).toBe(papers[i]?.id.split("-")[0]);
      expect(a.confidence).toBeGreaterThan(0.5);
    });
    const batch = (await (
      await fetch(`${server.url}/predict/batch?k=2`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ papers: papers.slice(0, 5) }),
      })
    ).json()) as { predictions: { category: string; top_k: unknown[] }[] };
    expect(batch.predictions.map((p) => p.category)).toEqual([...TINY_LABELS]);
    expect(batch.predictions[0]?.top_k).toHaveLength(2);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const calls = Number(/^model_batch_size_count (\d+)/m.exec(metrics)?.[1]);
    expect(calls).toBeLessThan(31); // 35 papers in fewer model calls than requests
  });
});

describe("infer CLI on a baseline export", () => {
  it("predicts one paper and a CSV file", async () => {
    let out = "";
    const o = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
    const e = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const p = paperFor("math.NA");
      expect(await main(["--model", model, "--title", p.title, "--summary", p.summary])).toBe(0);
      expect(out.split("\n")[1]).toMatch(/^math\.NA\s+[01]\.\d{4}$/);
      const input = join(dir, "in.csv");
      writeFileSync(input, `id,title,summary\n${TINY_LABELS.map((l) => `${paperFor(l).id},${paperFor(l).title},${paperFor(l).summary}`).join("\n")}\n`);
      expect(await main(["--model", model, "--input", input, "--output", join(dir, "out.csv")])).toBe(0);
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
    const rows = readFileSync(join(dir, "out.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
    expect(rows.map((r) => r[1])).toEqual([...TINY_LABELS]);
  });
});
