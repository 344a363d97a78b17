// Sentence embeddings from a transformers.js backbone folder (`artifacts/backbone/`): tokenize with
// truncation (model-contract/paper-tokenizer.ts), run the encoder with transformers.js's AutoModel on
// onnxruntime-node, mean-pool the last hidden state over the attention mask. Documents are sorted by
// token length in windows to cut padding; order is restored. Everything around the model call is kept
// to a few per cent of it (bench/embed-overhead.ts).
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { InferenceSession } from "onnxruntime-node";
import { AutoModel, Tensor, env, type PreTrainedModel } from "@huggingface/transformers";
import { loadPaperTokenizer } from "#model-contract/paper-tokenizer.js";

export interface EmbedderOptions {
  maxLength: number;
  batchSize: number;
  /** ONNX Runtime intra-op threads; omitted: the runtime's default (one per physical core). */
  threads?: number;
  /** Let ORT's worker threads spin between ops (faster on idle dedicated cores). Default false. */
  spin?: boolean;
}

export interface EmbedProgress {
  done: number;
  total: number;
}

export interface Embedder {
  readonly dim: number;
  readonly pretrained: boolean;
  readonly options: EmbedderOptions;
  /** Which tokenizer runs (model-contract/wordpiece.ts, or transformers.js for tokenizers it does not cover). */
  readonly tokenizerEngine: "wordpiece" | "transformers.js";
  /** Token ids with [CLS]/[SEP], truncated to maxLength. */
  tokenize(texts: string[]): number[][];
  /** Mean-pooled embeddings, row-major [texts.length, dim]. */
  embed(texts: string[], onProgress?: (p: EmbedProgress) => void): Promise<Float32Array>;
  /** Embeddings of already-tokenized ids (used by the bench and export tests). */
  embedTokens(ids: number[][], onProgress?: (p: EmbedProgress) => void): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** Documents sorted together so batches hold similar lengths; a window is this many batches. */
const SORT_WINDOW_BATCHES = 16;

/** Points transformers.js at local files only. */
function configureLocalOnly(dir: string): string {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(dir) + "/";
  return basename(dir);
}

/** Reads `pretrained` from card.json (absent card: assume pretrained weights of unknown origin). */
export function readPretrained(dir: string): boolean {
  const card = join(dir, "card.json");
  if (!existsSync(card)) return true;
  const parsed = JSON.parse(readFileSync(card, "utf8")) as { pretrained?: unknown };
  return parsed.pretrained !== false;
}

/**
 * Mean of `hidden` [batch, seq, dim] over the first `lengths[r]` positions of each row (right
 * padding, so this is the attention mask), written to `out` rows `rowsOut[r]`. Each component is
 * summed in float64 in token order; four components at a time in registers (three times faster than
 * one accumulator array, same sums).
 */
export function meanPoolInto(hidden: Float32Array, lengths: number[], seq: number, dim: number, out: Float32Array, rowsOut: number[]): void {
  for (let r = 0; r < lengths.length; r++) {
    const len = lengths[r] as number;
    const denom = Math.max(len, 1);
    const row = r * seq * dim;
    const target = (rowsOut[r] as number) * dim;
    let d = 0;
    for (; d + 4 <= dim; d += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0, p = row + d; t < len; t++, p += dim) {
        s0 += hidden[p] as number;
        s1 += hidden[p + 1] as number;
        s2 += hidden[p + 2] as number;
        s3 += hidden[p + 3] as number;
      }
      out[target + d] = s0 / denom;
      out[target + d + 1] = s1 / denom;
      out[target + d + 2] = s2 / denom;
      out[target + d + 3] = s3 / denom;
    }
    for (; d < dim; d++) {
      let s = 0;
      for (let t = 0, p = row + d; t < len; t++, p += dim) s += hidden[p] as number;
      out[target + d] = s / denom;
    }
  }
}

/** ONNX Runtime session options for the embedder (shared with the overhead bench). */
export function sessionOptionsFor(options: Pick<EmbedderOptions, "threads" | "spin">): InferenceSession.SessionOptions {
  // No busy-waiting between ops by default: on a few shared cores spinning threads starve each other.
  return {
    interOpNumThreads: 1,
    ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads }),
    extra: { session: { intra_op: { allow_spinning: options.spin === true ? "1" : "0" } } },
  };
}

/**
 * Batches of row indices: rows sorted by token length within windows of SORT_WINDOW_BATCHES
 * batches (ties by index), so each batch pads little; callers scatter results back by index.
 */
export function planBatches(lengths: number[], batchSize: number): number[][] {
  const batches: number[][] = [];
  const window = batchSize * SORT_WINDOW_BATCHES;
  for (let start = 0; start < lengths.length; start += window) {
    const order = Array.from({ length: Math.min(window, lengths.length - start) }, (_, i) => start + i);
    order.sort((a, b) => (lengths[a] as number) - (lengths[b] as number) || a - b);
    for (let b = 0; b < order.length; b += batchSize) batches.push(order.slice(b, b + batchSize));
  }
  return batches;
}

export async function loadEmbedder(backboneDir: string, options: EmbedderOptions): Promise<Embedder> {
  const dir = resolve(backboneDir);
  const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as { dim?: number; hidden_size?: number };
  const dim = config.dim ?? config.hidden_size;
  if (dim === undefined) throw new Error(`${dir}/config.json: no 'dim' or 'hidden_size'`);
  const tokenizer = await loadPaperTokenizer(dir);
  const model: PreTrainedModel = await AutoModel.from_pretrained(configureLocalOnly(dir), {
    dtype: "fp32",
    device: "cpu",
    session_options: sessionOptionsFor(options),
  });
  const { maxLength, batchSize } = options;
  // Reused input buffers, sized for the largest batch (grown if a caller passes longer ids).
  let idsBuf = new BigInt64Array(batchSize * maxLength);
  let maskBuf = new BigInt64Array(batchSize * maxLength);

  const tokenize = (texts: string[]): number[][] => tokenizer.ids(texts, maxLength);

  const runBatch = async (batch: number[][], out: Float32Array, rowsOut: number[]): Promise<void> => {
    const seq = batch.reduce((m, ids) => Math.max(m, ids.length), 1);
    const n = batch.length * seq;
    if (n > idsBuf.length) {
      idsBuf = new BigInt64Array(n);
      maskBuf = new BigInt64Array(n);
    }
    const ids = idsBuf.subarray(0, n);
    const mask = maskBuf.subarray(0, n);
    ids.fill(0n);
    mask.fill(0n);
    batch.forEach((row, r) => {
      for (let t = 0; t < row.length; t++) {
        ids[r * seq + t] = BigInt(row[t] as number);
        mask[r * seq + t] = 1n;
      }
    });
    const result = (await model({
      input_ids: new Tensor("int64", ids, [batch.length, seq]),
      attention_mask: new Tensor("int64", mask, [batch.length, seq]),
    })) as { last_hidden_state: Tensor };
    const hidden = result.last_hidden_state;
    meanPoolInto(
      hidden.data as Float32Array,
      batch.map((row) => row.length),
      seq,
      dim,
      out,
      rowsOut,
    );
    hidden.dispose();
  };

  const embedTokens = async (all: number[][], onProgress?: (p: EmbedProgress) => void): Promise<Float32Array> => {
    const out = new Float32Array(all.length * dim);
    let done = 0;
    for (const rows of planBatches(
      all.map((ids) => ids.length),
      batchSize,
    )) {
      await runBatch(
        rows.map((r) => all[r] as number[]),
        out,
        rows,
      );
      done += rows.length;
      onProgress?.({ done, total: all.length });
    }
    return out;
  };

  return {
    dim,
    pretrained: readPretrained(dir),
    options,
    tokenizerEngine: tokenizer.engine,
    tokenize,
    embedTokens,
    embed: async (texts, onProgress) => {
      // Tokenize per window so progress starts at once and memory stays flat.
      const out = new Float32Array(texts.length * dim);
      const window = batchSize * SORT_WINDOW_BATCHES;
      for (let start = 0; start < texts.length; start += window) {
        const ids = tokenize(texts.slice(start, start + window));
        const part = await embedTokens(ids);
        out.set(part, start * dim);
        onProgress?.({ done: start + ids.length, total: texts.length });
      }
      return out;
    },
    dispose: async () => {
      await model.dispose();
    },
  };
}
