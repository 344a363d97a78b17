// Classification metrics shared by baseline, train and evaluate: accuracy, F1 (macro/weighted,
// per class, sklearn's zero_division=0), top-k accuracy, confusion matrix, majority-class floor.

/** Counts: rows are true classes, columns predicted classes. */
export interface Confusion {
  readonly nClasses: number;
  /** Row-major `[true × predicted]`. */
  readonly counts: Int32Array;
}

export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Number of true examples of the class. */
  readonly support: number;
}

export interface Summary {
  readonly accuracy: number;
  readonly f1Macro: number;
  readonly f1Weighted: number;
  readonly perClass: readonly ClassScores[];
}

function checkLengths(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  if (yTrue.length !== yPred.length) throw new RangeError(`${yTrue.length} labels but ${yPred.length} predictions`);
}

export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): Confusion {
  checkLengths(yTrue, yPred);
  const counts = new Int32Array(nClasses * nClasses);
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] as number;
    const p = yPred[i] as number;
    if (t < 0 || t >= nClasses || p < 0 || p >= nClasses) throw new RangeError(`class id outside [0, ${nClasses})`);
    const at = t * nClasses + p;
    counts[at] = (counts[at] as number) + 1;
  }
  return { nClasses, counts };
}

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths(yTrue, yPred);
  if (yTrue.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return ok / yTrue.length;
}

/** Precision, recall and F1 of every class; an undefined ratio (0/0) counts as 0. */
export function perClassScores(cm: Confusion): ClassScores[] {
  const k = cm.nClasses;
  const out: ClassScores[] = [];
  for (let c = 0; c < k; c++) {
    const tp = cm.counts[c * k + c] as number;
    let predicted = 0;
    let support = 0;
    for (let o = 0; o < k; o++) {
      predicted += cm.counts[o * k + c] as number;
      support += cm.counts[c * k + o] as number;
    }
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    out.push({ precision, recall, f1, support });
  }
  return out;
}

/**
 * Accuracy and F1 summaries. Macro-F1 averages over the classes present in yTrue or yPred (as
 * sklearn does when `labels` is not given); weighted-F1 weights by support.
 */
export function summarize(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): Summary {
  const cm = confusionMatrix(yTrue, yPred, nClasses);
  const perClass = perClassScores(cm);
  let macro = 0;
  let present = 0;
  let weighted = 0;
  let total = 0;
  perClass.forEach((s, c) => {
    let predicted = 0;
    for (let o = 0; o < nClasses; o++) predicted += cm.counts[o * nClasses + c] as number;
    if (s.support > 0 || predicted > 0) {
      macro += s.f1;
      present++;
    }
    weighted += s.f1 * s.support;
    total += s.support;
  });
  return {
    accuracy: accuracy(yTrue, yPred),
    f1Macro: present === 0 ? 0 : macro / present,
    f1Weighted: total === 0 ? 0 : weighted / total,
    perClass,
  };
}

export function f1Macro(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): number {
  return summarize(yTrue, yPred, nClasses).f1Macro;
}

/** Index of the largest probability in each `[n × k]` row (first one on ties). */
export function argmaxRows(probs: ArrayLike<number>, k: number): Int32Array {
  const n = Math.floor(probs.length / k);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if ((probs[i * k + c] as number) > (probs[i * k + best] as number)) best = c;
    out[i] = best;
  }
  return out;
}

/** Fraction of rows whose true class is among the k highest scores (fewer than k scores strictly above it). */
export function topKAccuracy(yTrue: ArrayLike<number>, probs: ArrayLike<number>, nClasses: number, k: number): number {
  if (probs.length !== yTrue.length * nClasses) throw new RangeError("probs must be [n × nClasses]");
  if (yTrue.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] as number;
    const s = probs[i * nClasses + t] as number;
    let higher = 0;
    for (let c = 0; c < nClasses; c++) if ((probs[i * nClasses + c] as number) > s) higher++;
    if (higher < k) ok++;
  }
  return ok / yTrue.length;
}

/** The score of always predicting the most frequent training class (the floor every model must beat). */
export function majorityFloor(
  yTrain: ArrayLike<number>,
  yEval: ArrayLike<number>,
  nClasses: number,
): { readonly classId: number; readonly accuracy: number; readonly f1Macro: number } {
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < yTrain.length; i++) {
    const c = yTrain[i] as number;
    counts[c] = (counts[c] as number) + 1;
  }
  let classId = 0;
  for (let c = 1; c < nClasses; c++) if ((counts[c] as number) > (counts[classId] as number)) classId = c;
  const pred = new Int32Array(yEval.length).fill(classId);
  const s = summarize(yEval, pred, nClasses);
  return { classId, accuracy: s.accuracy, f1Macro: s.f1Macro };
}
