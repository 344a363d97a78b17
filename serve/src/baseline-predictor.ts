// The baseline Predictor: TF-IDF + linear model from `model.json` + `weights.bin`, loaded and run
// by the pipeline's own `stages/lib/baseline-model.ts`, so serving scores exactly as evaluation did.
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ModelLoadError, type ModelCard } from "./card.js";
import type { PaperInput, Predictor } from "./predictor.js";

// Until stages/lib/baseline-model.ts lands, it is imported by URL and typed here.
interface BaselineModule {
  loadBaselineModel(dir: string): Promise<unknown>;
  predictProba(model: unknown, papers: readonly PaperInput[]): Float32Array[];
}

export async function loadBaselinePredictor(dir: string, card: ModelCard): Promise<Predictor> {
  const lib = pathToFileURL(join(import.meta.dirname, "../../stages/lib/baseline-model.ts")).href;
  const mod = (await import(lib)) as BaselineModule;
  let model: unknown;
  try {
    model = await mod.loadBaselineModel(resolve(dir));
  } catch (err) {
    throw new ModelLoadError(`cannot load the baseline model in ${dir}: ${(err as Error).message}`);
  }
  return {
    kind: "baseline",
    labels: card.labels,
    version: card.version,
    predict(papers) {
      return Promise.resolve().then(() => mod.predictProba(model, papers));
    },
  };
}
