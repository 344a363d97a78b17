// Stage `baseline`: TF-IDF features + multinomial logistic regression on the train split; writes
// artifacts/baseline/ (model.json + weights.bin) and metrics/baseline.json.
import { join } from "node:path";
import { makeBaselineModel, saveBaselineModel } from "#model-contract/baseline-model.js";
import { readJson, readJsonlAll, runStage, StageError, writeJsonAtomic } from "#common/io.js";
import { fitLogReg, predictProbaCsr } from "#baseline/logreg.js";
import { argmaxRows, summarize } from "#common/metrics.js";
import { projectRoot, readParamGroup } from "#common/params.js";
import { paperText } from "#model-contract/paper.js";
import { fitTfidf } from "#baseline/tfidf-fit.js";
import { transformTfidf, type TfidfConfig } from "#model-contract/tfidf.js";

export interface BaselineParams {
  readonly ngram_max: number;
  readonly min_df: number;
  /** null or 0: keep every term. */
  readonly max_features: number | null;
  readonly sublinear_tf: boolean;
  readonly C: number;
  readonly max_iter: number;
  readonly tol: number;
}

interface PaperRow {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly label: string;
}

function checkParams(p: BaselineParams): { tfidf: TfidfConfig; C: number; maxIter: number; tol: number } {
  const posInt = (v: unknown, key: string): number => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new StageError(`params baseline.${key}: expected a positive integer`);
    return v;
  };
  const posNum = (v: unknown, key: string): number => {
    if (typeof v !== "number" || !(v > 0)) throw new StageError(`params baseline.${key}: expected a positive number`);
    return v;
  };
  if (typeof p.sublinear_tf !== "boolean") throw new StageError("params baseline.sublinear_tf: expected true or false");
  const mf = p.max_features === null || p.max_features === 0 ? null : posInt(p.max_features, "max_features");
  return {
    tfidf: { ngramMax: posInt(p.ngram_max, "ngram_max"), minDf: posInt(p.min_df, "min_df"), maxFeatures: mf, sublinearTf: p.sublinear_tf },
    C: posNum(p.C, "C"),
    maxIter: posInt(p.max_iter, "max_iter"),
    tol: posNum(p.tol, "tol"),
  };
}

/** Class ids of the rows' labels; a label outside labels.json is a bad split. */
function labelIds(rows: readonly PaperRow[], labels: readonly string[], file: string): Int32Array {
  const index = new Map(labels.map((l, i) => [l, i]));
  return Int32Array.from(rows, (r) => {
    const id = index.get(r.label);
    if (id === undefined) throw new StageError(`${file}: paper ${r.id} has label ${r.label}, not in labels.json`);
    return id;
  });
}

async function main(): Promise<void> {
  const root = projectRoot();
  const cfg = checkParams(readParamGroup<BaselineParams>("baseline"));
  const dir = join(root, "data/processed");
  const labels = await readJson<string[]>(join(dir, "labels.json"));
  const train = await readJsonlAll<PaperRow>(join(dir, "train.jsonl"));
  const val = await readJsonlAll<PaperRow>(join(dir, "val.jsonl"));
  if (train.length === 0) throw new StageError("data/processed/train.jsonl is empty");
  const yTrain = labelIds(train, labels, "train.jsonl");
  const yVal = labelIds(val, labels, "val.jsonl");
  const log = (msg: string): void => void process.stderr.write(`baseline: ${msg}\n`);

  const t0 = performance.now();
  const { vocab, matrix } = fitTfidf(train.map(paperText), cfg.tfidf);
  const tVec = (performance.now() - t0) / 1000;
  log(`tf-idf: ${train.length} papers, ${vocab.terms.length} features, ${matrix.indices.length} non-zeros in ${tVec.toFixed(1)}s`);
  const fit = fitLogReg(matrix, yTrain, labels.length, {
    C: cfg.C,
    maxIter: cfg.maxIter,
    tol: cfg.tol,
    onIter: (i) => {
      if (i.iter % 10 === 0)
        log(`iter ${i.iter}: loss ${i.loss.toFixed(5)}, max |grad| ${i.gradMax.toExponential(2)}, ${((performance.now() - t0) / 1000).toFixed(0)}s`);
    },
  });
  const trainTime = (performance.now() - t0) / 1000;
  log(`logistic regression: ${fit.iters} iterations (${fit.evals} evaluations), stopped by ${fit.reason}, ${trainTime.toFixed(1)}s total`);

  const model = makeBaselineModel(labels, vocab, cfg.C, fit.model.weights, fit.model.bias);
  const k = labels.length;
  const trainScores = summarize(yTrain, argmaxRows(predictProbaCsr(fit.model, matrix), k), k);
  const valScores = summarize(yVal, argmaxRows(predictProbaCsr(fit.model, transformTfidf(vocab, val.map(paperText))), k), k);
  saveBaselineModel(join(root, "artifacts/baseline"), model);
  const metrics = {
    train_time_s: Number(trainTime.toFixed(2)),
    vectorize_time_s: Number(tVec.toFixed(2)),
    n_features: vocab.terms.length,
    n_classes: k,
    n_train: train.length,
    n_val: val.length,
    iterations: fit.iters,
    stop_reason: fit.reason,
    final_loss: fit.loss,
    train_accuracy: trainScores.accuracy,
    train_f1_macro: trainScores.f1Macro,
    val_accuracy: valScores.accuracy,
    val_f1_macro: valScores.f1Macro,
  };
  await writeJsonAtomic(join(root, "metrics/baseline.json"), metrics);
  log(`val accuracy ${valScores.accuracy.toFixed(4)}, macro-F1 ${valScores.f1Macro.toFixed(4)}`);
}

runStage("baseline", main);
