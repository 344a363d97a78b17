// Stage `evaluate`: both models on the val and test splits (the rows the embed stage covered):
// accuracy, macro/weighted F1, top-k accuracy, per-class P/R/F1, the majority-class floor; picks
// the champion by val macro-F1; writes metrics/eval.json, reports/, and test confusion plot data.
import { join, resolve } from "node:path";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { toCsv } from "#common/csv.js";
import { StageError, readJson, readJsonlAll, runStage, writeFileAtomic, writeJsonAtomic } from "#common/io.js";
import { projectRoot, readParamGroup } from "#common/params.js";
import { argmaxRows, majorityFloor, summarize, topKAccuracy } from "#common/metrics.js";
import type { ClassScores } from "#common/metrics.js";
import { loadBaselineModel, predictProbaFlat } from "#model-contract/baseline-model.js";
import { MODEL_NAMES, type ModelName } from "#model-contract/export-card.js";
import { loadHead, predictProba as headPredictProba } from "#model-contract/head-model.js";

export const EVAL_SPLITS = ["val", "test"] as const;
export type EvalSplit = (typeof EVAL_SPLITS)[number];

interface Paper {
  id: string;
  title: string;
  summary: string;
  label: string;
}

interface EmbedMeta {
  dim: number;
  counts: Record<string, number>;
  rows: Record<string, number[]>;
  pretrained: boolean;
}

/** Everything measured for one model on one split. */
export interface Scores {
  n: number;
  accuracy: number;
  macroF1: number;
  weightedF1: number;
  topK: number;
  perClass: readonly ClassScores[];
  predicted: Int32Array;
}

export function scoreProbabilities(yTrue: Int32Array, probs: Float32Array, nClasses: number, k: number): Scores {
  if (probs.length !== yTrue.length * nClasses) throw new StageError(`model gave ${probs.length} probabilities for ${yTrue.length} rows x ${nClasses} classes`);
  const predicted = argmaxRows(probs, nClasses);
  const s = summarize(yTrue, predicted, nClasses);
  return {
    n: yTrue.length,
    accuracy: s.accuracy,
    macroF1: s.f1Macro,
    weightedF1: s.f1Weighted,
    topK: topKAccuracy(yTrue, probs, nClasses, k),
    perClass: s.perClass,
    predicted,
  };
}

/** The headline numbers of one model on one split (what metrics/eval.json keeps). */
export interface Headline {
  n: number;
  accuracy: number;
  macro_f1: number;
  weighted_f1: number;
  top3_accuracy: number;
}

/** metrics/eval.json: compact, diffable across git revisions. */
export interface EvalJson {
  champion: ModelName;
  champion_by: "val.macro_f1";
  pretrained: boolean;
  /** Always answering train's majority class: the floor every model must beat. */
  floor: { class: string } & Record<EvalSplit, { accuracy: number; macro_f1: number }>;
  models: Record<ModelName, Record<EvalSplit, Headline>>;
}

// Model loading: the same modules serving uses, so evaluation scores what gets deployed.
async function predictHead(dir: string, x: Float32Array, n: number, dim: number): Promise<Float32Array> {
  const head = loadHead(join(dir, "head.json"));
  if (x.length !== n * dim) throw new StageError(`embeddings hold ${x.length} floats, expected ${n} x ${dim}`);
  return headPredictProba(head, x, dim);
}

async function predictBaseline(dir: string, papers: readonly Paper[]): Promise<Float32Array> {
  return predictProbaFlat(loadBaselineModel(dir), papers);
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

export function headline(s: Scores): Headline {
  return { n: s.n, accuracy: r4(s.accuracy), macro_f1: r4(s.macroF1), weighted_f1: r4(s.weightedF1), top3_accuracy: r4(s.topK) };
}

/** Best val macro-F1; a tie goes to the baseline (cheaper to serve). */
export function pickChampion(models: Record<ModelName, Record<EvalSplit, Headline>>): ModelName {
  return models.distilbert.val.macro_f1 > models.baseline.val.macro_f1 ? "distilbert" : "baseline";
}

/** `actual,predicted` rows (DVC's confusion template), one per evaluated paper. */
export function confusionCsv(labels: readonly string[], yTrue: Int32Array, yPred: Int32Array): string {
  const rows: string[][] = [];
  for (let i = 0; i < yTrue.length; i++) rows.push([labels[yTrue[i] as number] ?? "?", labels[yPred[i] as number] ?? "?"]);
  return toCsv(["actual", "predicted"], rows);
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** reports/eval.md: the headline table, the floor, the champion and per-class test scores. */
export function renderReport(ev: EvalJson, labels: readonly string[], perClass: Record<ModelName, Record<EvalSplit, Scores>>): string {
  const out: string[] = ["# Evaluation", ""];
  if (!ev.pretrained) {
    out.push(
      "> **The transformer's backbone is NOT pretrained** (random-init DistilBERT): its scores measure the",
      "> pipeline's plumbing, not DistilBERT's accuracy.",
      "",
    );
  }
  out.push(
    `Champion: **${ev.champion}** (best val macro-F1). Majority-class floor (always \`${ev.floor.class}\`): accuracy val ${pct(ev.floor.val.accuracy)}, test ${pct(ev.floor.test.accuracy)}; macro-F1 val ${pct(ev.floor.val.macro_f1)}, test ${pct(ev.floor.test.macro_f1)}.`,
    "",
  );
  out.push("| model | split | n | accuracy | macro-F1 | weighted-F1 | top-3 |", "|---|---|---:|---:|---:|---:|---:|");
  for (const m of MODEL_NAMES) {
    for (const s of EVAL_SPLITS) {
      const h = ev.models[m][s];
      out.push(`| ${m} | ${s} | ${h.n} | ${pct(h.accuracy)} | ${pct(h.macro_f1)} | ${pct(h.weighted_f1)} | ${pct(h.top3_accuracy)} |`);
    }
  }
  for (const s of EVAL_SPLITS) {
    out.push("", `## Per class, ${s}`, "", "| class | support | baseline P | R | F1 | distilbert P | R | F1 |", "|---|---:|---:|---:|---:|---:|---:|---:|");
    const b = perClass.baseline[s].perClass;
    const d = perClass.distilbert[s].perClass;
    const order = labels.map((l, i) => ({ l, i })).sort((x, y) => (b[y.i]?.support ?? 0) - (b[x.i]?.support ?? 0) || (x.l < y.l ? -1 : 1));
    for (const { l, i } of order) {
      const bc = b[i];
      const dc = d[i];
      if (bc === undefined || dc === undefined) continue;
      out.push(
        `| ${l} | ${bc.support} | ${pct(bc.precision)} | ${pct(bc.recall)} | ${pct(bc.f1)} | ${pct(dc.precision)} | ${pct(dc.recall)} | ${pct(dc.f1)} |`,
      );
    }
  }
  return `${out.join("\n")}\n`;
}

async function main(): Promise<void> {
  const root = projectRoot();
  const params = readParamGroup<{ top_k?: unknown }>("evaluate");
  const topK = params.top_k ?? 3;
  if (typeof topK !== "number" || !Number.isInteger(topK) || topK < 1)
    throw new StageError(`evaluate.top_k must be an integer >= 1, got ${JSON.stringify(topK)}`);
  const labels = await readJson<string[]>(join(root, "data/processed/labels.json"));
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const meta = await readJson<EmbedMeta>(join(root, "data/embeddings/meta.json"));
  const yTrain = Int32Array.from(await readJsonlAll<Paper>(join(root, "data/processed/train.jsonl")), (p) => labelIndex.get(p.label) ?? 0);

  const scores = { baseline: {}, distilbert: {} } as Record<ModelName, Record<EvalSplit, Scores>>;
  const floor = { class: "" } as EvalJson["floor"];
  for (const split of EVAL_SPLITS) {
    const all = await readJsonlAll<Paper>(join(root, `data/processed/${split}.jsonl`));
    const rows = meta.rows[split];
    if (rows === undefined) throw new StageError(`data/embeddings/meta.json has no rows for '${split}'`);
    const papers = rows.map((r) => {
      const p = all[r];
      if (p === undefined) throw new StageError(`data/embeddings/meta.json: row ${r} is outside ${split}.jsonl; re-run embed`);
      return p;
    });
    const yTrue = Int32Array.from(papers, (p) => {
      const y = labelIndex.get(p.label);
      if (y === undefined) throw new StageError(`${split}.jsonl: label '${p.label}' is not in labels.json`);
      return y;
    });
    const raw = await readFile(join(root, `data/embeddings/${split}.f32`));
    const emb = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    if (emb.length !== papers.length * meta.dim)
      throw new StageError(`data/embeddings/${split}.f32 holds ${emb.length / meta.dim} rows, meta.json says ${papers.length}`);
    const probs: Record<ModelName, Float32Array> = {
      baseline: await predictBaseline(join(root, "artifacts/baseline"), papers),
      distilbert: await predictHead(join(root, "artifacts/head"), emb, papers.length, meta.dim),
    };
    for (const m of MODEL_NAMES) {
      scores[m][split] = scoreProbabilities(yTrue, probs[m], labels.length, topK);
      if (split === "test") await writeFileAtomic(join(root, `plots/confusion_${m}.csv`), confusionCsv(labels, yTrue, scores[m][split].predicted));
    }
    const f = majorityFloor(yTrain, yTrue, labels.length);
    floor.class = labels[f.classId] ?? "";
    floor[split] = { accuracy: r4(f.accuracy), macro_f1: r4(f.f1Macro) };
  }

  const models = {
    baseline: { val: headline(scores.baseline.val), test: headline(scores.baseline.test) },
    distilbert: { val: headline(scores.distilbert.val), test: headline(scores.distilbert.test) },
  };
  const ev: EvalJson = { champion: pickChampion(models), champion_by: "val.macro_f1", pretrained: meta.pretrained, floor, models };
  await writeJsonAtomic(join(root, "metrics/eval.json"), ev);
  const perClass = Object.fromEntries(
    MODEL_NAMES.map((m) => [m, Object.fromEntries(EVAL_SPLITS.map((s) => [s, scores[m][s].perClass.map((c, i) => ({ label: labels[i], ...c }))]))]),
  );
  await writeJsonAtomic(join(root, "reports/per_class.json"), perClass);
  await writeFileAtomic(join(root, "reports/eval.md"), renderReport(ev, labels, scores));
  const line = (m: ModelName) => `${m} val macro-F1 ${models[m].val.macro_f1} test acc ${models[m].test.accuracy}`;
  process.stderr.write(`evaluate: ${line("baseline")}; ${line("distilbert")}; floor test acc ${floor.test.accuracy}; champion ${ev.champion}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runStage("evaluate", main);
}
