// The transformer Predictor: the export's tokenizer (model-contract/paper-tokenizer.ts, exactly as the embed
// stage tokenizes) turns papers into token ids, and an onnxruntime-node session on `model.onnx` maps
// them to `probabilities`.
import { existsSync } from "node:fs";
import { resolve, join } from "node:path";
import * as ort from "onnxruntime-node";
import { EXPORT_INPUTS, EXPORT_OUTPUT, ModelLoadError, type ModelCard } from "#model-contract/export-card.js";
import { paperText } from "#model-contract/paper.js";
import { loadPaperTokenizer, type PaperTokenizer } from "#model-contract/paper-tokenizer.js";
import type { LoadOptions, PaperInput, Predictor } from "./predictor.js";

/** Token ids of a batch, padded to its longest row, row-major `[batch, seq]` as onnxruntime wants. */
export interface EncodedBatch {
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly batch: number;
  readonly seq: number;
}

/** Pads ragged token rows (already truncated) to the longest one. */
export function padBatch(rows: readonly (readonly number[])[], padId: number): EncodedBatch {
  const seq = Math.max(1, ...rows.map((r) => r.length));
  const inputIds = new BigInt64Array(rows.length * seq).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(rows.length * seq);
  rows.forEach((row, i) => {
    row.forEach((id, j) => {
      inputIds[i * seq + j] = BigInt(id);
      attentionMask[i * seq + j] = 1n;
    });
  });
  return { inputIds, attentionMask, batch: rows.length, seq };
}

export async function loadTransformerPredictor(dir: string, card: ModelCard, opts: LoadOptions = {}): Promise<Predictor> {
  const abs = resolve(dir);
  const modelPath = join(abs, "model.onnx");
  if (!existsSync(modelPath)) throw new ModelLoadError(`${modelPath} is missing (card.json says kind "transformer")`);
  if (!existsSync(join(abs, "tokenizer.json"))) throw new ModelLoadError(`${join(abs, "tokenizer.json")} is missing`);
  let tokenizer: PaperTokenizer;
  try {
    tokenizer = await loadPaperTokenizer(abs);
  } catch (err) {
    throw new ModelLoadError(`cannot load the tokenizer in ${abs}: ${(err as Error).message}`);
  }
  const sessionOpts: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: "all", executionMode: "sequential" };
  if (opts.threads !== undefined) sessionOpts.intraOpNumThreads = opts.threads;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, sessionOpts);
  } catch (err) {
    throw new ModelLoadError(`cannot load ${modelPath}: ${(err as Error).message}`);
  }
  for (const name of EXPORT_INPUTS) {
    if (!session.inputNames.includes(name)) throw new ModelLoadError(`${modelPath} has no input "${name}" (inputs: ${session.inputNames.join(", ")})`);
  }
  if (!session.outputNames.includes(EXPORT_OUTPUT)) {
    throw new ModelLoadError(`${modelPath} has no output "${EXPORT_OUTPUT}" (outputs: ${session.outputNames.join(", ")})`);
  }
  const padId = tokenizer.padId;
  const maxLength = card.maxLength ?? 256;
  const nClasses = card.labels.length;
  // onnxruntime-node runs one call at a time per session here: calls queue on this chain.
  let chain: Promise<unknown> = Promise.resolve();

  const run = async (papers: readonly PaperInput[]): Promise<Float32Array[]> => {
    if (papers.length === 0) return [];
    // Exactly the ids the embed stage computed for its papers.
    const ids = tokenizer.ids(papers.map(paperText), maxLength);
    const b = padBatch(ids, padId);
    const [idsName, maskName] = EXPORT_INPUTS;
    const feeds = {
      [idsName]: new ort.Tensor("int64", b.inputIds, [b.batch, b.seq]),
      [maskName]: new ort.Tensor("int64", b.attentionMask, [b.batch, b.seq]),
    };
    const out = await session.run(feeds, [EXPORT_OUTPUT]);
    const probs = out[EXPORT_OUTPUT];
    if (probs === undefined || !(probs.data instanceof Float32Array) || probs.data.length !== b.batch * nClasses) {
      throw new Error(
        `model.onnx returned ${probs === undefined ? "no probabilities" : `probabilities of dims [${probs.dims.join(", ")}]`}, expected [${b.batch}, ${nClasses}]`,
      );
    }
    const data = probs.data;
    return papers.map((_, i) => data.slice(i * nClasses, (i + 1) * nClasses));
  };

  return {
    kind: "transformer",
    labels: card.labels,
    version: card.version,
    predict(papers) {
      const next = chain.then(() => run(papers));
      chain = next.catch(() => undefined);
      return next;
    },
    async close() {
      await session.release();
    },
  };
}
