// Training the classifier head on frozen embeddings: a linear or one-hidden-layer head, tfjs (wasm
// backend) for gradients, AdamW with warmup + linear decay, early stopping on val macro-F1, the
// standardization folded into the first layer so head.json applies to raw embeddings.
import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { StageError } from "#common/io.js";
import { argmaxRows, summarize } from "#common/metrics.js";
import { gaussian, mulberry32, shuffleInPlace } from "#common/random.js";
import type { HeadArch, HeadJson } from "#model-contract/head-model.js";

export interface TrainParams {
  readonly head: HeadArch;
  readonly hidden: number;
  readonly dropout: number;
  readonly epochs: number;
  readonly batch_size: number;
  readonly lr: number;
  readonly weight_decay: number;
  /** Fraction of all optimizer steps spent warming up linearly from 0 to `lr`. */
  readonly warmup_ratio: number;
  /** Epochs without a better val macro-F1 before stopping. */
  readonly patience: number;
  readonly seed: number;
}

export interface AdamWConfig {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

export const ADAMW: Omit<AdamWConfig, "weightDecay"> = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/**
 * One AdamW step (Loshchilov & Hutter) in place, `t` counting from 1:
 * m ← β1·m + (1-β1)·g; v ← β2·v + (1-β2)·g²; p ← p - lr·(m̂/(√v̂+ε) + wd·p).
 * The decay is decoupled from the gradient (pass weightDecay 0 for biases).
 */
export function adamwStep(p: Float32Array, g: ArrayLike<number>, m: Float32Array, v: Float32Array, t: number, lr: number, cfg: AdamWConfig): void {
  const c1 = 1 - cfg.beta1 ** t;
  const c2 = 1 - cfg.beta2 ** t;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] as number;
    const mi = cfg.beta1 * (m[i] as number) + (1 - cfg.beta1) * gi;
    const vi = cfg.beta2 * (v[i] as number) + (1 - cfg.beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    const pi = p[i] as number;
    p[i] = pi - lr * (mi / c1 / (Math.sqrt(vi / c2) + cfg.eps) + cfg.weightDecay * pi);
  }
}

/**
 * Learning rate of step `s` (0-based) of `total`: linear warmup over `warmup` steps to `peak`
 * ((s+1)/warmup·peak), then linear decay towards 0 at step `total`.
 */
export function lrAt(s: number, total: number, warmup: number, peak: number): number {
  if (s < warmup) return (peak * (s + 1)) / warmup;
  if (total <= warmup) return peak;
  return (peak * Math.max(0, total - s)) / (total - warmup);
}

/** Embedding rows and class ids of one split. */
export interface SplitData {
  readonly x: Float32Array;
  readonly y: Int32Array;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly train_loss: number;
  readonly val_loss: number;
  readonly train_accuracy: number;
  readonly val_accuracy: number;
  readonly train_f1_macro: number;
  readonly val_f1_macro: number;
}

export interface TrainResult {
  readonly layers: HeadJson["layers"];
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
}

interface Layer {
  w: Float32Array;
  b: Float32Array;
  readonly inDim: number;
  readonly outDim: number;
}

let backendReady: Promise<void> | null = null;

/** Selects tfjs' wasm backend, its .wasm files loaded from the installed package. */
export function useWasmBackend(): Promise<void> {
  backendReady ??= (async () => {
    const dist = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm"));
    setWasmPaths(`${dist}/`);
    if (!(await tf.setBackend("wasm"))) throw new StageError("cannot start tfjs' wasm backend");
    await tf.ready();
  })();
  return backendReady;
}

/** Per-feature mean and std of the train rows (std 1 where a feature is constant). */
function standardizer(x: Float32Array, dim: number): { mean: Float64Array; std: Float64Array } {
  const n = x.length / dim;
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let i = 0; i < dim; i++) mean[i] = (mean[i] as number) + (x[r * dim + i] as number);
  for (let i = 0; i < dim; i++) mean[i] = (mean[i] as number) / n;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < dim; i++) sq[i] = (sq[i] as number) + ((x[r * dim + i] as number) - (mean[i] as number)) ** 2;
  }
  const std = sq.map((s) => Math.sqrt(s / n) || 1);
  return { mean, std };
}

function standardize(x: Float32Array, dim: number, s: { mean: Float64Array; std: Float64Array }): Float32Array {
  const out = new Float32Array(x.length);
  for (let q = 0; q < x.length; q++) {
    const i = q % dim;
    out[q] = ((x[q] as number) - (s.mean[i] as number)) / (s.std[i] as number);
  }
  return out;
}

/** Logits of `x` (as a tensor) through the layers; dropout masks apply after hidden activations. */
function forward(x: tf.Tensor2D, params: tf.Tensor[], masks: tf.Tensor2D | null): tf.Tensor2D {
  let h = x;
  for (let l = 0; l < params.length; l += 2) {
    h = tf.add(tf.matMul(h, params[l] as tf.Tensor2D), params[l + 1] as tf.Tensor1D);
    if (l + 2 < params.length) {
      h = tf.relu(h);
      if (masks !== null) h = tf.mul(h, masks);
    }
  }
  return h;
}

function crossEntropy(logits: tf.Tensor2D, y: tf.Tensor1D, k: number): tf.Scalar {
  // tfjs types the loss as a tensor of any rank; with no weights and the default reduction it is a scalar.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  return tf.losses.softmaxCrossEntropy(tf.oneHot(y, k), logits) as tf.Scalar;
}

/** Mean loss and predictions of a split (no dropout). */
function evaluateSplit(layers: Layer[], d: SplitData, dim: number, k: number): { loss: number; pred: Int32Array } {
  const n = d.y.length;
  const pred = new Int32Array(n);
  let loss = 0;
  const chunk = 4096;
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    tf.tidy(() => {
      const params = layers.flatMap((l) => [tf.tensor2d(l.w, [l.inDim, l.outDim]), tf.tensor1d(l.b)]);
      const logits = forward(tf.tensor2d(d.x.subarray(s * dim, e * dim), [e - s, dim]), params, null);
      loss += (crossEntropy(logits, tf.tensor1d(d.y.subarray(s, e), "int32"), k).dataSync()[0] as number) * (e - s);
      pred.set(argmaxRows(logits.dataSync(), k), s);
    });
  }
  return { loss: n === 0 ? 0 : loss / n, pred };
}

/**
 * Trains the head on standardized embeddings; returns the best epoch's layers (standardization
 * folded into the first layer, so they apply to raw embeddings) and the per-epoch history.
 */
export async function trainHead(
  train: SplitData,
  val: SplitData,
  dim: number,
  k: number,
  p: TrainParams,
  log: (msg: string) => void = () => undefined,
): Promise<TrainResult> {
  await useWasmBackend();
  const rand = mulberry32(p.seed);
  const normal = gaussian(rand);
  const scaler = standardizer(train.x, dim);
  const xTrain = standardize(train.x, dim, scaler);
  const valStd = { x: standardize(val.x, dim, scaler), y: val.y };
  const trainStd = { x: xTrain, y: train.y };
  const sizes = p.head === "mlp" ? [dim, p.hidden, k] : [dim, k];
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const inDim = sizes[l] as number;
    const outDim = sizes[l + 1] as number;
    const std = Math.sqrt(2 / (inDim + outDim)); // Glorot normal
    layers.push({ w: Float32Array.from({ length: inDim * outDim }, () => normal() * std), b: new Float32Array(outDim), inDim, outDim });
  }
  const moments = layers.map((l) => ({
    mw: new Float32Array(l.w.length),
    vw: new Float32Array(l.w.length),
    mb: new Float32Array(l.b.length),
    vb: new Float32Array(l.b.length),
  }));
  const n = train.y.length;
  const perEpoch = Math.ceil(n / p.batch_size);
  const total = perEpoch * p.epochs;
  const warmup = Math.round(p.warmup_ratio * total);
  const order = Array.from({ length: n }, (_, i) => i);
  const history: EpochRecord[] = [];
  let best = { f1: -1, epoch: 0, layers: layers.map((l) => ({ w: l.w.slice(), b: l.b.slice() })) };
  let step = 0;
  for (let epoch = 1; epoch <= p.epochs; epoch++) {
    shuffleInPlace(order, rand);
    for (let s = 0; s < n; s += p.batch_size) {
      const idx = order.slice(s, s + p.batch_size);
      const bx = new Float32Array(idx.length * dim);
      const by = new Int32Array(idx.length);
      idx.forEach((r, q) => {
        bx.set(xTrain.subarray(r * dim, (r + 1) * dim), q * dim);
        by[q] = train.y[r] as number;
      });
      let mask: Float32Array | null = null;
      if (p.head === "mlp" && p.dropout > 0) {
        const keep = 1 - p.dropout;
        mask = Float32Array.from({ length: idx.length * p.hidden }, () => (rand() < keep ? 1 / keep : 0));
      }
      const grads = tf.tidy(() => {
        const xs = tf.tensor2d(bx, [idx.length, dim]);
        const ys = tf.tensor1d(by, "int32");
        const m = mask === null ? null : tf.tensor2d(mask, [idx.length, p.hidden]);
        const params = layers.flatMap((l) => [tf.tensor2d(l.w, [l.inDim, l.outDim]), tf.tensor1d(l.b)]);
        const g = tf.grads((...ps: tf.Tensor[]) => crossEntropy(forward(xs, ps, m), ys, k));
        return g(params).map((t) => t.dataSync() as Float32Array);
      });
      const lr = lrAt(step, total, warmup, p.lr);
      step++;
      layers.forEach((l, li) => {
        const mo = moments[li] as (typeof moments)[number];
        adamwStep(l.w, grads[2 * li] as Float32Array, mo.mw, mo.vw, step, lr, { ...ADAMW, weightDecay: p.weight_decay });
        adamwStep(l.b, grads[2 * li + 1] as Float32Array, mo.mb, mo.vb, step, lr, { ...ADAMW, weightDecay: 0 });
      });
    }
    const tr = evaluateSplit(layers, trainStd, dim, k);
    const va = evaluateSplit(layers, valStd, dim, k);
    const trS = summarize(train.y, tr.pred, k);
    const vaS = summarize(val.y, va.pred, k);
    history.push({
      epoch,
      train_loss: tr.loss,
      val_loss: va.loss,
      train_accuracy: trS.accuracy,
      val_accuracy: vaS.accuracy,
      train_f1_macro: trS.f1Macro,
      val_f1_macro: vaS.f1Macro,
    });
    log(
      `epoch ${epoch}: train loss ${tr.loss.toFixed(4)}, val loss ${va.loss.toFixed(4)}, val acc ${vaS.accuracy.toFixed(4)}, val macro-F1 ${vaS.f1Macro.toFixed(4)}`,
    );
    if (vaS.f1Macro > best.f1) {
      best = { f1: vaS.f1Macro, epoch, layers: layers.map((l) => ({ w: l.w.slice(), b: l.b.slice() })) };
    } else if (epoch - best.epoch >= p.patience) {
      log(`early stop: no better val macro-F1 for ${p.patience} epochs; best epoch ${best.epoch}`);
      break;
    }
  }
  // Fold the standardization into the first layer: ((x - μ)/σ)·W + b = x·(W/σ) + (b - (μ/σ)·W).
  const out = best.layers.map((l, li) => {
    const spec = layers[li] as Layer;
    const w = Array.from(l.w);
    const b = Array.from(l.b);
    if (li === 0) {
      for (let i = 0; i < spec.inDim; i++) {
        const sd = scaler.std[i] as number;
        const mu = scaler.mean[i] as number;
        for (let o = 0; o < spec.outDim; o++) {
          const wi = (l.w[i * spec.outDim + o] as number) / sd;
          w[i * spec.outDim + o] = wi;
          b[o] = (b[o] as number) - mu * wi;
        }
      }
    }
    return { weight: w, bias: b, activation: li + 1 < best.layers.length ? ("relu" as const) : ("none" as const) };
  });
  return { layers: out, history, bestEpoch: best.epoch };
}
