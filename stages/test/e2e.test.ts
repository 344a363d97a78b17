// End to end: the real pipeline on a small slice of the mirror (built at run time, never stored),
// in a temp copy of the project. Runs `pipe repro` when the engine is built, else the stage scripts
// in order; checks the outputs exist, the metrics are sane, and that a second repro runs nothing.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithMirror } from "./helpers/needs-mirror.js";
import { readCsvGz, toCsv } from "#common/csv.js";
import { mirrorRoot } from "#common/mirror.js";

const REPO = resolve(import.meta.dirname, "../..");
const TSX = join(REPO, "node_modules/tsx/dist/cli.mjs");
const PIPE = join(REPO, "bin/pipe.js");
const ENGINE_BUILT = existsSync(PIPE) && existsSync(join(REPO, "dist/engine/src/cli/commands/repro.js"));
const STAGES = ["download", "split", "baseline", "model", "embed", "train", "evaluate", "export"] as const;
const MIRROR = mirrorRoot(process.env, REPO);
const MIRROR_CSV = MIRROR === null ? null : join(MIRROR, "arxiv/arxiv-papers.csv.gz");
const HAVE_MIRROR = MIRROR_CSV !== null && existsSync(MIRROR_CSV);

if (!ENGINE_BUILT) console.warn("e2e: `pipe repro` part skipped: bin/pipe.js or the built engine (dist/) is missing; run `npm run build`");

/** Small params over the project's own: tiny random backbone, few epochs. Keys per stage owner. */
const OVERRIDES: Record<string, Record<string, unknown>> = {
  split: { min_per_class: 15 },
  baseline: { max_iter: 50 },
  model: { dim: 32, n_layers: 1, n_heads: 2, hidden_dim: 64, hub_timeout_s: 0 },
  distilbert: { max_length: 64, batch_size: 32, max_train_docs: 0, max_eval_docs: 0 },
  train: { epochs: 5 },
};

/** Every k-th row of each date window, so each split has a few hundred papers. */
const SLICE = { trainEvery: 30, valEvery: 20, testEvery: 100 };

async function buildSlice(dest: string): Promise<{ sha256: string; rows: number }> {
  const cols = ["id", "title", "summary", "published", "primary_category", "categories"] as const;
  const rows: string[][] = [];
  const seen = { train: 0, val: 0, test: 0 };
  for await (const r of readCsvGz(MIRROR_CSV as string)) {
    const d = r.published ?? "";
    const w = d < "2023-01-01" ? "train" : d < "2024-01-01" ? "val" : "test";
    const every = w === "train" ? SLICE.trainEvery : w === "val" ? SLICE.valEvery : SLICE.testEvery;
    if (seen[w]++ % every === 0) rows.push(cols.map((c) => r[c] ?? ""));
  }
  const gz = gzipSync(toCsv(cols, rows));
  writeFileSync(dest, gz);
  return { sha256: createHash("sha256").update(gz).digest("hex"), rows: rows.length };
}

function deepMerge(base: Record<string, unknown>, over: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [group, values] of Object.entries(over)) {
    out[group] = { ...(base[group] ?? {}), ...values };
  }
  return out;
}

function makeProject(sliceSha: string, slicePath: string): string {
  const root = mkdtempSync(join(tmpdir(), "pipe-e2e-"));
  for (const f of ["pipeline.yaml", "package.json", "tsconfig.json"]) cpSync(join(REPO, f), join(root, f));
  cpSync(join(REPO, "stages"), join(root, "stages"), { recursive: true, filter: (src) => !src.includes(`${join("stages", "test")}`) });
  symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"), "dir");
  const params = parseYaml(readFileSync(join(REPO, "params.yaml"), "utf8")) as Record<string, unknown>;
  const merged = deepMerge(params, { ...OVERRIDES, download: { url: slicePath, sha256: sliceSha } });
  writeFileSync(join(root, "params.yaml"), toYaml(merged));
  return root;
}

function run(root: string, args: string[]): { code: number | null; out: string; seconds: number } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    env: { ...process.env, PIPE_ROOT: root, PIPE_MIRROR: MIRROR ?? "", CI: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}`, seconds: (Date.now() - t0) / 1000 };
}

function json(root: string, rel: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, rel), "utf8")) as Record<string, unknown>;
}

const OUTPUTS = [
  "data/raw/arxiv-papers.csv.gz",
  "data/processed/train.jsonl",
  "data/processed/val.jsonl",
  "data/processed/test.jsonl",
  "data/processed/labels.json",
  "metrics/data.json",
  "metrics/eval.json",
  "plots/confusion_baseline.csv",
  "plots/confusion_distilbert.csv",
  "reports/eval.md",
  "artifacts/export/card.json",
];

function checkOutputs(root: string): void {
  for (const f of OUTPUTS) expect(existsSync(join(root, f)), f).toBe(true);
  const ev = json(root, "metrics/eval.json") as {
    champion: string;
    floor: Record<string, { accuracy: number }>;
    models: Record<string, Record<string, Record<string, number>>>;
  };
  for (const model of ["baseline", "distilbert"]) {
    for (const split of ["val", "test"]) {
      const m = ev.models[model]?.[split];
      expect(m, `${model}.${split}`).toBeDefined();
      for (const k of ["accuracy", "macro_f1", "weighted_f1", "top3_accuracy"]) {
        expect(m?.[k], `${model}.${split}.${k}`).toBeGreaterThanOrEqual(0);
        expect(m?.[k], `${model}.${split}.${k}`).toBeLessThanOrEqual(1);
      }
    }
  }
  for (const split of ["val", "test"]) {
    expect(ev.models.baseline?.[split]?.accuracy, `baseline ${split} accuracy vs floor`).toBeGreaterThanOrEqual((ev.floor[split]?.accuracy ?? 1) - 1e-9);
  }
  expect(["baseline", "distilbert"]).toContain(ev.champion);
  // No pretrained weights exist on these machines: the random-init backbone must say so.
  expect((ev as { pretrained?: boolean }).pretrained).toBe(false);
  const card = json(root, "artifacts/export/card.json");
  expect(card.format).toBe("pipe-export/1");
  expect(card.kind).toBe(ev.champion === "baseline" ? "baseline" : "transformer");
}

describeWithMirror("e2e on a slice of the mirror", HAVE_MIRROR, "arxiv/arxiv-papers.csv.gz", () => {
  let slicePath = "";
  let sliceSha = "";
  const roots: string[] = [];
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "pipe-e2e-slice-"));
    roots.push(dir);
    slicePath = join(dir, "arxiv-slice.csv.gz");
    sliceSha = (await buildSlice(slicePath)).sha256;
  }, 120_000);
  afterAll(() => {
    if (process.env.PIPE_E2E_KEEP === undefined) roots.forEach((r) => rmSync(r, { recursive: true, force: true }));
    else console.warn(`e2e: kept ${roots.join(" ")}`);
  });

  it.skipIf(ENGINE_BUILT)(
    "runs the stage scripts in order (engine not built)",
    () => {
      const root = makeProject(sliceSha, slicePath);
      roots.push(root);
      for (const s of STAGES) {
        const r = run(root, [TSX, `stages/${s}.ts`]);
        expect(r.code, `${s} failed:\n${r.out}`).toBe(0);
        console.warn(`e2e: ${s} ${r.seconds.toFixed(1)}s`);
      }
      checkOutputs(root);
    },
    600_000,
  );

  it.skipIf(!ENGINE_BUILT)(
    "runs `pipe repro`, then a second repro runs nothing",
    () => {
      const root = makeProject(sliceSha, slicePath);
      roots.push(root);
      const first = run(root, [PIPE, "repro"]);
      expect(first.code, first.out).toBe(0);
      console.warn(`e2e: first repro ${first.seconds.toFixed(1)}s`);
      checkOutputs(root);
      const before = OUTPUTS.map((f) => statSync(join(root, f)).mtimeMs);
      const second = run(root, [PIPE, "repro"]);
      expect(second.code, second.out).toBe(0);
      const ran = /(\d+) ran\b/.exec(second.out);
      expect(ran, `no "N ran" summary in:\n${second.out}`).not.toBeNull();
      expect(Number(ran?.[1]), second.out).toBe(0);
      expect(OUTPUTS.map((f) => statSync(join(root, f)).mtimeMs)).toEqual(before);
    },
    600_000,
  );
});
