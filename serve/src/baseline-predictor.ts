// The baseline Predictor: TF-IDF + logistic regression loaded and run by the model contract's
// `baseline-model.ts` (stages/lib/model-contract/), so serving scores exactly as evaluation does.
import { resolve } from "node:path";
import { loadBaselineModel, predictProba } from "#model-contract/baseline-model.js";
import { ModelLoadError, type ModelCard } from "#model-contract/export-card.js";
import type { Predictor } from "./predictor.js";

export async function loadBaselinePredictor(dir: string, card: ModelCard): Promise<Predictor> {
  let model: ReturnType<typeof loadBaselineModel>;
  try {
    model = loadBaselineModel(resolve(dir));
  } catch (err) {
    throw new ModelLoadError(`cannot load the baseline model in ${dir}: ${(err as Error).message}`);
  }
  if (model.labels.length !== card.labels.length) {
    throw new ModelLoadError(`${dir}: the model has ${model.labels.length} classes, card.json ${card.labels.length} labels`);
  }
  return {
    kind: "baseline",
    labels: card.labels,
    version: card.version,
    predict: (papers) => Promise.resolve().then(() => predictProba(model, papers)),
  };
}
