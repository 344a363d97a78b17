// The baseline Predictor: TF-IDF + logistic regression from `model.json` + `weights.bin`. Loaded by
// the pipeline's `stages/lib/baseline-model.ts` when present (so serving scores exactly as
// evaluation does); until it lands, read here from the layout evaluate.ts and logreg.ts document:
// model.json `{tfidf, terms, idf, n_classes}`, weights.bin float32 `[n_classes × terms]` then bias.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { predictProbaCsr, type LogRegModel } from "../../stages/lib/logreg.js";
import { makeVocab, paperText, transformTfidf, type TfidfConfig } from "../../stages/lib/tfidf.js";
import { ModelLoadError, type ModelCard } from "./card.js";
import type { PaperInput, Predictor } from "./predictor.js";

type Predict = (papers: readonly PaperInput[]) => Float32Array[];

interface BaselineJson {
  tfidf: TfidfConfig;
  terms: string[];
  idf: number[];
  n_classes: number;
}

/** Reads the documented baseline layout and returns a row-per-paper predict function. */
export async function readBaseline(dir: string): Promise<{ predict: Predict; nClasses: number }> {
  let m: BaselineJson;
  try {
    m = JSON.parse(await readFile(join(dir, "model.json"), "utf8")) as BaselineJson;
  } catch (err) {
    throw new ModelLoadError(`cannot read ${join(dir, "model.json")}: ${(err as Error).message}`);
  }
  if (!Array.isArray(m.terms) || !Array.isArray(m.idf) || m.terms.length !== m.idf.length || typeof m.tfidf !== "object") {
    throw new ModelLoadError(`${join(dir, "model.json")}: expected {tfidf, terms, idf, n_classes} with as many idf values as terms`);
  }
  const buf = await readFile(join(dir, "weights.bin")).catch(() => {
    throw new ModelLoadError(`cannot read ${join(dir, "weights.bin")}`);
  });
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const d = m.terms.length;
  const k = m.n_classes;
  if (all.length !== k * d + k) throw new ModelLoadError(`${join(dir, "weights.bin")} holds ${all.length} floats, expected ${k} x ${d} + ${k}`);
  const vocab = makeVocab(m.tfidf, m.terms, Float64Array.from(m.idf));
  const model: LogRegModel = { nFeatures: d, nClasses: k, weights: all.subarray(0, k * d), bias: all.subarray(k * d) };
  return {
    nClasses: k,
    predict(papers) {
      const flat = predictProbaCsr(model, transformTfidf(vocab, papers.map(paperText)));
      return papers.map((_, i) => flat.slice(i * k, (i + 1) * k));
    },
  };
}

/** stages/lib/baseline-model.ts (H4), when it exists: `load…(dir)` and `predictProba(model, papers)`. */
async function fromPipelineLib(dir: string): Promise<Predict | undefined> {
  const path = join(import.meta.dirname, "../../stages/lib/baseline-model.ts");
  if (!existsSync(path)) return undefined;
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const load = Object.entries(mod).find(([name, f]) => /^load/i.test(name) && typeof f === "function")?.[1] as ((d: string) => unknown) | undefined;
  const proba = mod.predictProba as ((model: unknown, papers: readonly PaperInput[]) => Float32Array[]) | undefined;
  if (load === undefined || typeof proba !== "function") return undefined;
  const model = await load(dir);
  return (papers) => proba(model, papers);
}

export async function loadBaselinePredictor(dir: string, card: ModelCard): Promise<Predictor> {
  const abs = resolve(dir);
  let predict: Predict | undefined;
  try {
    predict = await fromPipelineLib(abs);
  } catch (err) {
    throw new ModelLoadError(`cannot load the baseline model in ${dir}: ${(err as Error).message}`);
  }
  if (predict === undefined) {
    const read = await readBaseline(abs);
    if (read.nClasses !== card.labels.length) throw new ModelLoadError(`${dir}: the model has ${read.nClasses} classes, card.json ${card.labels.length} labels`);
    predict = read.predict;
  }
  const run = predict;
  return {
    kind: "baseline",
    labels: card.labels,
    version: card.version,
    predict(papers) {
      return Promise.resolve().then(() => run(papers));
    },
  };
}
