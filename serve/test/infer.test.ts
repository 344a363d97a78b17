// The infer CLI on a tiny random transformer export: single paper, CSV/JSON/JSONL in and out,
// malformed rows reported with their line numbers (skipped, or fatal with --strict).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { describeWithMirror } from "../../stages/test/helpers/needs-mirror.js";
import { main } from "../src/infer.js";
import { arrayElementLines } from "../src/paper-reader.js";
import { loadModel } from "../src/predictor.js";
import { clipText, truncateIds } from "#model-contract/paper-tokenizer.js";
import { mirrorTokenizerDir, TINY_LABELS, writeTinyTransformerExport } from "./fixtures/tiny-export.js";

const tokDir = mirrorTokenizerDir(process.cwd());
const haveMirror = existsSync(join(tokDir, "tokenizer.json"));

let dir: string;
let model: string;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split("\n")
    .map((l) => l.split(","));
}

describeWithMirror("infer CLI", haveMirror, "models/distilbert-base-uncased/tokenizer.json", () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pipe-infer-"));
    model = join(dir, "export");
    writeTinyTransformerExport(model, { tokenizerDir: tokDir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  it("prints the top categories of one paper", async () => {
    const r = await run("--model", model, "--title", "Attention is all you need", "--summary", "We propose the Transformer.", "--top", "3");
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toMatch(/^category\s+probability$/);
    expect(lines).toHaveLength(4);
    const probs = lines.slice(1).map((l) => Number(l.trim().split(/\s+/)[1]));
    expect([...probs].sort((a, b) => b - a)).toEqual(probs);
    expect(TINY_LABELS).toContain(lines[1]?.split(/\s+/)[0]);
  });

  it("prints the card digests with --verbose, and JSON with --json", async () => {
    const r = await run("--model", model, "--title", "t", "--summary", "s", "--verbose", "--json");
    expect(r.code).toBe(0);
    expect(r.err).toContain("data_digest: tiny-data-digest");
    expect(r.err).toContain("lock_digest: tiny-lock-digest");
    const j = JSON.parse(r.out) as { category: string; model_version: string; top_k: unknown[] };
    expect(TINY_LABELS).toContain(j.category);
    expect(j.model_version).toMatch(/^[0-9a-f]{16}$/);
  });

  it("CSV in, CSV out: one row per paper with prob_<label> columns", async () => {
    const input = join(dir, "papers.csv");
    writeFileSync(input, 'id,title,summary\np1,Deep nets,"We train, and test."\np2,"Multi\nline",Numerics of PDEs\n');
    const output = join(dir, "preds.csv");
    const r = await run("--model", model, "--input", input, "--output", output);
    expect(r.code).toBe(0);
    expect(r.err).toContain("2 papers predicted");
    const rows = parseCsv(readFileSync(output, "utf8"));
    expect(rows[0]).toEqual(["id", "category", "confidence", ...TINY_LABELS.map((l) => `prob_${l}`)]);
    expect(rows.map((x) => x[0])).toEqual(["id", "p1", "p2"]);
    for (const row of rows.slice(1)) {
      const probs = row.slice(3).map(Number);
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(Number(row[2])).toBeCloseTo(Math.max(...probs), 5);
      expect(row[1]).toBe(TINY_LABELS[probs.indexOf(Math.max(...probs))]);
    }
  });

  it("JSON in, JSON out; JSONL in, JSONL out; results do not depend on the batch", async () => {
    const papers = Array.from({ length: 7 }, (_, i) => ({ id: `j${i}`, title: `Paper ${i}`, summary: "word ".repeat(i * 10 + 1) }));
    writeFileSync(join(dir, "in.json"), JSON.stringify(papers, null, 2));
    writeFileSync(join(dir, "in.jsonl"), papers.map((p) => JSON.stringify(p)).join("\n"));
    expect((await run("--model", model, "-i", join(dir, "in.json"), "-o", join(dir, "out.json"), "--batch-size", "3")).code).toBe(0);
    expect((await run("--model", model, "-i", join(dir, "in.jsonl"), "-o", join(dir, "out.jsonl"), "--batch-size", "1")).code).toBe(0);
    const a = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as { id: string; probabilities: Record<string, number> }[];
    const b = readFileSync(join(dir, "out.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as (typeof a)[number]);
    expect(a.map((x) => x.id)).toEqual(papers.map((p) => p.id));
    a.forEach((x, i) => {
      for (const l of TINY_LABELS) expect(x.probabilities[l]).toBeCloseTo(b[i]?.probabilities[l] ?? NaN, 4);
    });
  });

  it("reports malformed rows with their line numbers and skips them", async () => {
    const input = join(dir, "bad.jsonl");
    writeFileSync(
      input,
      [
        '{"title":"a","summary":"b"}',
        "",
        "{not json",
        '{"title":"c"}',
        '{"title":"d","summary":"  "}',
        '{"title":5,"summary":"x"}',
        '{"title":"e","summary":"f"}',
      ].join("\n"),
    );
    const r = await run("--model", model, "--input", input, "--output", join(dir, "bad-out.csv"));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/bad\.jsonl:3: invalid JSON/);
    expect(r.err).toMatch(/bad\.jsonl:4: missing summary \(row skipped\)/);
    expect(r.err).toMatch(/bad\.jsonl:5: empty summary/);
    expect(r.err).toMatch(/bad\.jsonl:6: title must be a string/);
    expect(r.err).toContain("2 papers predicted");
    expect(r.err).toContain("4 malformed rows skipped");
    expect(parseCsv(readFileSync(join(dir, "bad-out.csv"), "utf8"))).toHaveLength(3);
  });

  it("reports bad CSV rows and JSON array items by line", async () => {
    const csv = join(dir, "bad.csv");
    writeFileSync(csv, "id,title,summary\n1,a,b\n2,only-two\n3,,empty title\n4,c,d\n");
    const r = await run("--model", model, "--input", csv, "--output", join(dir, "bad-csv.json"));
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/bad\.csv:3: .*(column|field)/i);
    expect(r.err).toMatch(/bad\.csv:4: empty title/);
    expect(JSON.parse(readFileSync(join(dir, "bad-csv.json"), "utf8"))).toHaveLength(2);
    const json = join(dir, "bad.json");
    writeFileSync(json, '[\n  {"title": "a", "summary": "b"},\n  {"title": "x,]{"},\n  {"title": "c", "summary": "d"}\n]\n');
    const r2 = await run("--model", model, "--input", json, "--output", join(dir, "bad-json.csv"));
    expect(r2.err).toMatch(/bad\.json:3: missing summary/);
  });

  it("fails the run on the first malformed row with --strict, writing nothing", async () => {
    const input = join(dir, "strict.jsonl");
    writeFileSync(input, '{"title":"a","summary":"b"}\n{"title":"c"}\n');
    const output = join(dir, "strict.csv");
    const r = await run("--model", model, "--input", input, "--output", output, "--strict");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/strict\.jsonl:2: missing summary/);
    expect(existsSync(output)).toBe(false);
  });

  it("rejects bad command lines and bad model folders with one line", async () => {
    expect((await run("--model", model)).code).toBe(2);
    expect((await run("--model", model, "--title", "", "--summary", "s")).code).toBe(2);
    expect((await run("--model", model, "--input", "x.txt")).code).toBe(2);
    const r = await run("--model", join(dir, "nope"), "--title", "t", "--summary", "s");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^infer: cannot read .*card\.json/);
  });

  it("gives the same probabilities alone and padded in a batch", async () => {
    expect.assertions(4 + TINY_LABELS.length);
    const m = await loadModel(model);
    const a = { title: "short", summary: "tiny" };
    const b = { title: "a much longer title here", summary: "and a long abstract ".repeat(20) };
    const single = await m.predictor.predict([a]);
    const pair = await m.predictor.predict([a, b]);
    expect(single).toHaveLength(1);
    expect(pair).toHaveLength(2);
    const [alone] = single;
    const [batched] = pair;
    expect(alone).toHaveLength(TINY_LABELS.length);
    expect(batched).toHaveLength(TINY_LABELS.length);
    Array.from(alone ?? []).forEach((p, i) => expect(batched?.[i]).toBeCloseTo(p, 5));
    await m.predictor.close?.();
  });
});

describeWithMirror("clipText", haveMirror, "models/distilbert-base-uncased/tokenizer.json", () => {
  it("gives the same truncated token ids as the whole text", async () => {
    const { AutoTokenizer } = await import("@huggingface/transformers");
    const tok = (await AutoTokenizer.from_pretrained(tokDir, { local_files_only: true })) as unknown as (t: string[], o: object) => { input_ids: number[][] };
    const ids = (t: string) => truncateIds(tok([t], { truncation: false, padding: false, return_tensor: false }).input_ids, 64)[0];
    for (const text of ["Graph networks, (and) more: ".repeat(200), "中文文本".repeat(500), "word ".repeat(150) + "x".repeat(3000) + " tail ".repeat(100)]) {
      const clipped = clipText(text, 64 * 16);
      expect(clipped).not.toBeNull();
      expect(ids(clipped as string)).toEqual(ids(text));
    }
    expect(clipText("short", 100)).toBeNull();
  });
});

describe("arrayElementLines", () => {
  it("finds where each top-level element starts", () => {
    expect(arrayElementLines('[\n {"a": "]," },\n\n 3, [1,\n2],\n "x"\n]')).toEqual([2, 4, 4, 6]);
    expect(arrayElementLines("[]")).toEqual([]);
  });
});
