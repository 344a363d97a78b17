// The one interface the server and the infer CLI run a model through, whatever its kind, and the
// loader that picks the implementation from the export package's card.
import { readCard, type ModelCard, type ModelKind } from "#model-contract/export-card.js";

/** What a client sends per paper. */
export interface PaperInput {
  readonly title: string;
  readonly summary: string;
}

/** A loaded model. `predict` returns one probability row per paper, in `labels` order; it may
 * be called again before an earlier call resolves (the implementation serialises if it must). */
export interface Predictor {
  readonly kind: ModelKind;
  readonly labels: readonly string[];
  /** The card digest (`ModelCard.version`), so an answer can be traced to its model. */
  readonly version: string;
  predict(papers: readonly PaperInput[]): Promise<Float32Array[]>;
  close?(): Promise<void>;
}

export interface LoadedModel {
  readonly predictor: Predictor;
  readonly card: ModelCard;
  readonly loadMs: number;
}

export interface LoadOptions {
  /** onnxruntime intra-op threads for the transformer (default: onnxruntime's choice). */
  readonly threads?: number;
}

/** Reads the card and loads the model it describes; throws ModelLoadError on a bad package. */
export async function loadModel(dir: string, opts: LoadOptions = {}): Promise<LoadedModel> {
  const start = performance.now();
  const card = await readCard(dir);
  let predictor: Predictor;
  switch (card.kind) {
    case "baseline": {
      const { loadBaselinePredictor } = await import("./baseline-predictor.js");
      predictor = await loadBaselinePredictor(dir, card);
      break;
    }
    case "transformer": {
      const { loadTransformerPredictor } = await import("./transformer-predictor.js");
      predictor = await loadTransformerPredictor(dir, card, opts);
      break;
    }
    default: {
      const never: never = card.kind;
      throw new Error(`unhandled model kind ${String(never)}`);
    }
  }
  return { predictor, card, loadMs: performance.now() - start };
}

export interface Ranked {
  readonly category: string;
  readonly probability: number;
}

/** The `k` most probable labels, best first (ties by label order). */
export function topK(labels: readonly string[], probs: Float32Array, k: number): Ranked[] {
  const idx = Array.from(probs.keys());
  idx.sort((a, b) => (probs[b] ?? 0) - (probs[a] ?? 0) || a - b);
  return idx.slice(0, Math.max(1, k)).map((i) => ({ category: labels[i] ?? `#${i}`, probability: probs[i] ?? 0 }));
}
