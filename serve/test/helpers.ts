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
  /** Papers per call, in call order. */
  readonly calls: number[];
  /** Calls that have returned (or thrown). */
  completed: number;
}

/** `delayMs`: each call sleeps first; `until`: each call waits for this promise first; `fail`: calls throw. */
export function fakePredictor(opts: { delayMs?: number; until?: Promise<void>; fail?: boolean } = {}): FakePredictor {
  const calls: number[] = [];
  const predictor: FakePredictor = {
    kind: "baseline",
    labels: LABELS,
    version: "fake0123456789ab",
    calls,
    completed: 0,
    async predict(papers) {
      calls.push(papers.length);
      try {
        if (opts.delayMs !== undefined) await new Promise((r) => setTimeout(r, opts.delayMs));
        if (opts.until !== undefined) await opts.until;
        if (opts.fail === true) throw new Error("boom");
        return papers.map(fakeProbs);
      } finally {
        predictor.completed++;
      }
    },
  };
  return predictor;
}

export function fakeModel(predictor: Predictor = fakePredictor()): LoadedModel {
  const card = parseCard(JSON.stringify({ format: "pipe-export/1", kind: "baseline", labels: LABELS, data_digest: "d", lock_digest: "l" }), "card.json");
  return { predictor, card, loadMs: 12 };
}
