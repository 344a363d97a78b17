// The split stage: param validation (unit) and a subprocess run on a generated CSV with quoted
// multi-line abstracts, duplicates, empty text and a rare class.
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { checkSplitParams, splitOf } from "../split.js";
import type { Paper } from "../split.js";

const REPO = resolve(import.meta.dirname, "../..");
const TSX = join(REPO, "node_modules/tsx/dist/cli.mjs");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const PARAMS = { train_before: "2023-01-01", val_from: "2023-01-01", test_from: "2024-01-01", min_per_class: 2 };

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function runSplit(rows: string[][], params = PARAMS): { code: number | null; stderr: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), "pipe-split-"));
  dirs.push(root);
  mkdirSync(join(root, "data/raw"), { recursive: true });
  const text = ["id,title,summary,published,primary_category,categories", ...rows.map((r) => r.map(csvField).join(","))].join("\n") + "\n";
  writeFileSync(join(root, "data/raw/arxiv-papers.csv.gz"), gzipSync(text));
  const p = Object.entries(params)
    .map(([k, v]) => `  ${k}: ${typeof v === "string" ? `"${v}"` : v}`)
    .join("\n");
  writeFileSync(join(root, "params.yaml"), `split:\n${p}\n`);
  const r = spawnSync(process.execPath, [TSX, join(REPO, "stages/split.ts")], { cwd: root, env: { ...process.env, PIPE_ROOT: root }, encoding: "utf8" });
  return { code: r.status, stderr: r.stderr, root };
}

function readSplit(root: string, s: string): Paper[] {
  return readFileSync(join(root, `data/processed/${s}.jsonl`), "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Paper);
}

describe("split params", () => {
  it("accepts the default windows and assigns dates to splits", () => {
    const p = checkSplitParams(PARAMS);
    expect(splitOf("2022-12-31", p)).toBe("train");
    expect(splitOf("2023-01-01", p)).toBe("val");
    expect(splitOf("2023-12-31", p)).toBe("val");
    expect(splitOf("2024-01-01", p)).toBe("test");
  });
  it("leaves a gap between train_before and val_from out of every split", () => {
    const p = checkSplitParams({ ...PARAMS, train_before: "2022-07-01" });
    expect(splitOf("2022-08-01", p)).toBeUndefined();
  });
  it("rejects dates out of order, bad formats and a bad min_per_class, all in one message", () => {
    expect(() => checkSplitParams({ ...PARAMS, val_from: "2024-06-01" })).toThrow(/val_from .* must be before split.test_from/);
    expect(() => checkSplitParams({ ...PARAMS, train_before: "2023-02-01" })).toThrow(/train_before .* must not be after/);
    expect(() => checkSplitParams({ ...PARAMS, test_from: "2024/01/01", min_per_class: 0 })).toThrow(/test_from must be a YYYY-MM-DD date.*min_per_class/);
  });
  it("accepts unquoted YAML dates (parsed as Date objects)", () => {
    expect(checkSplitParams({ ...PARAMS, test_from: new Date("2024-01-01") }).test_from).toBe("2024-01-01");
  });
});

describe("split stage", () => {
  const rows: string[][] = [
    ["a1", "Title one", 'Line one,\nline "two"', "2020-01-01", "cs.CL", "cs.CL"],
    ["a2", "Title two", "plain", "2021-05-05", "cs.CL", "cs.CL"],
    ["a2", "Duplicate", "dup", "2021-05-06", "cs.CL", "cs.CL"],
    ["a3", "", "", "2021-06-01", "cs.CL", "cs.CL"],
    ["a4", "Vision", "pixels", "2022-01-01", "cs.CV", "cs.CV"],
    ["a5", "Vision 2", "more pixels", "2022-02-01", "cs.CV", "cs.CV"],
    ["a6", "Rare", "only once", "2022-03-01", "q-fin.TR", "q-fin.TR"],
    ["b1", "Val", "val text", "2023-03-01", "cs.CL", "cs.CL"],
    ["b2", "Val rare", "x", "2023-04-01", "q-fin.TR", "q-fin.TR"],
    ["c1", "Test", "test text", "2024-02-01", "cs.CV", "cs.CV"],
    ["c2", "Test 2", "t", "2025-02-01", "cs.CV", "cs.CV"],
    ["c3", "Test 3", "t", "2025-03-01", "cs.CL", "cs.CL"],
  ];

  it("writes the splits, labels and data metrics", () => {
    const r = runSplit(rows);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const train = readSplit(r.root, "train");
    expect(train.map((p) => p.id)).toEqual(["a1", "a2", "a4", "a5"]);
    expect(train[0]).toEqual({ id: "a1", title: "Title one", summary: 'Line one,\nline "two"', published: "2020-01-01", label: "cs.CL" });
    expect(readSplit(r.root, "val").map((p) => p.id)).toEqual(["b1"]);
    expect(readSplit(r.root, "test").map((p) => p.id)).toEqual(["c1", "c2", "c3"]);
    expect(JSON.parse(readFileSync(join(r.root, "data/processed/labels.json"), "utf8"))).toEqual(["cs.CL", "cs.CV"]);
    const m = JSON.parse(readFileSync(join(r.root, "metrics/data.json"), "utf8"));
    expect(m.n_classes).toBe(2);
    expect(m.dropped).toMatchObject({ duplicate_id: 1, empty_text: 1 });
    expect(m.splits.train).toMatchObject({ rows: 4, dropped_rare_class: 1, majority_share: 0.5 });
    expect(m.splits.val).toMatchObject({ rows: 1, dropped_rare_class: 1, majority_class: "cs.CL", majority_share: 1 });
    expect(m.splits.test.class_counts).toEqual({ "cs.CV": 2, "cs.CL": 1 });
    expect(readdirSync(join(r.root, "data/processed")).sort()).toEqual(["labels.json", "test.jsonl", "train.jsonl", "val.jsonl"]);
  });

  it("fails in one line when too few classes survive min_per_class", () => {
    const r = runSplit(rows, { ...PARAMS, min_per_class: 50 });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^split: only 0 categories have >= 50 train papers/);
  });

  it("fails in one line on a param error", () => {
    const r = runSplit(rows, { ...PARAMS, val_from: "2025-01-01" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^split: split.val_from .* must be before/);
  });
});
