// Test helpers for serve/: a fake Predictor (deterministic, optionally slow) and its LoadedModel.
import { parseCard } from "#model-contract/export-card.js";
import type { LoadedModel, PaperInput, Predictor } from "../src/predictor.js";

export const LABELS = ["cs.AI", "cs.CL", "cs.LG", "math.NA"] as const;

/** Scores a paper by which label's name appears in its title (else uniform-ish), so each answer
 * reveals which paper it was computed from. */
export function fakeProbs(p: PaperInput): Float32Array {
  const out = new Float32Array(LABELS.length).fill(0.1 / (LABELS.length - 1));
  const hit = LABELS.findIndex((l) => p.title.includes(l));
  out[hit < 0 ? 0 : hit] = 0.9;
  return out;
}

export interface FakePredictor extends Predictor {
  readonly calls: number[];
}

export function fakePredictor(opts: { delayMs?: number; fail?: boolean } = {}): FakePredictor {
  const calls: number[] = [];
  return {
    kind: "baseline",
    labels: LABELS,
    version: "fake0123456789ab",
    calls,
    async predict(papers) {
      calls.push(papers.length);
      if (opts.delayMs !== undefined) await new Promise((r) => setTimeout(r, opts.delayMs));
      if (opts.fail === true) throw new Error("boom");
      return papers.map(fakeProbs);
    },
  };
}

export function fakeModel(predictor: Predictor = fakePredictor()): LoadedModel {
  const card = parseCard(JSON.stringify({ format: "pipe-export/1", kind: "baseline", labels: LABELS, data_digest: "d", lock_digest: "l" }), "card.json");
  return { predictor, card, loadMs: 12 };
}
