// The DistilBERT encoder architecture as an ONNX graph with seeded random weights (HF init:
// N(0, 0.02) for linear and embedding weights, zero biases, LayerNorm 1/0, zero padding row).
// It measures the pipeline's plumbing and speed; it is NOT pretrained DistilBERT.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gaussian, mulberry32 } from "#common/random.js";
import { DataType, GraphBuilder, encodeModel, float, int, ints, toModel } from "#onnx/index.js";

export interface DistilBertSizes {
  vocab_size: number;
  max_position_embeddings: number;
  dim: number;
  n_layers: number;
  n_heads: number;
  hidden_dim: number;
}

export interface RandomInitOptions {
  seed: number;
  /** Standard deviation of the weight init (HF `initializer_range`). */
  std?: number;
  pad_token_id?: number;
}

const LN_EPS = 1e-12;
const MASK_NEG = -1e9;

export function validateSizes(s: DistilBertSizes): string | null {
  for (const [key, value] of Object.entries(s)) {
    if (!Number.isInteger(value) || value <= 0) return `model.${key} must be a positive integer, got ${String(value)}`;
  }
  if (s.dim % s.n_heads !== 0) return `model.dim (${s.dim}) must be divisible by model.n_heads (${s.n_heads})`;
  return null;
}

/** Builds the graph and returns the serialised model.onnx bytes (deterministic for given args). */
export function buildRandomDistilBert(sizes: DistilBertSizes, opts: RandomInitOptions): Uint8Array {
  const problem = validateSizes(sizes);
  if (problem !== null) throw new Error(problem);
  const { vocab_size: V, max_position_embeddings: P, dim: D, n_layers: L, n_heads: H, hidden_dim: F } = sizes;
  const dh = D / H;
  const std = opts.std ?? 0.02;
  const normal = gaussian(mulberry32(opts.seed));
  const randn = (n: number): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = normal() * std;
    return out;
  };
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  const zeros = (n: number): Float32Array => new Float32Array(n);

  const g = new GraphBuilder();
  const ids = g.input("input_ids", DataType.INT64, ["batch_size", "sequence_length"]);
  const mask = g.input("attention_mask", DataType.INT64, ["batch_size", "sequence_length"]);

  // Embeddings: word + position, LayerNorm.
  const wordTable = randn(V * D);
  wordTable.fill(0, (opts.pad_token_id ?? 0) * D, ((opts.pad_token_id ?? 0) + 1) * D);
  const wordEmb = g.weight("embeddings.word_embeddings.weight", wordTable, [V, D]);
  const posEmb = g.weight("embeddings.position_embeddings.weight", randn(P * D), [P, D]);
  const layerNorm = (x: string, prefix: string): string =>
    g.op("LayerNormalization", [x, g.weight(`${prefix}.weight`, ones(D), [D]), g.weight(`${prefix}.bias`, zeros(D), [D])], {
      axis: int(-1),
      epsilon: float(LN_EPS),
    });
  const linear = (x: string, prefix: string, inDim: number, outDim: number): string =>
    g.op("Add", [
      g.op("MatMul", [x, g.weight(`${prefix}.weight`, randn(inDim * outDim), [inDim, outDim])]),
      g.weight(`${prefix}.bias`, zeros(outDim), [outDim]),
    ]);

  const seqLen = g.op("Gather", [g.op("Shape", [ids]), g.constInt64([1])], { axis: int(0) });
  const positions = g.op("Range", [g.constInt64([0]), seqLen, g.constInt64([1])]);
  const words = g.op("Gather", [wordEmb, ids], { axis: int(0) });
  const pos = g.op("Gather", [posEmb, positions], { axis: int(0) });
  let x = layerNorm(g.op("Add", [words, pos]), "embeddings.LayerNorm");

  // Additive attention bias [B, 1, 1, S]: 0 where attended, -1e9 at padding.
  const maskF = g.op("Cast", [mask], { to: int(DataType.FLOAT) });
  const maskBias = g.op("Unsqueeze", [g.op("Mul", [g.op("Sub", [g.constFloat([1]), maskF]), g.constFloat([MASK_NEG])]), g.constInt64([1, 2])]);
  const headsShape = g.constInt64([0, 0, H, dh]);
  const mergedShape = g.constInt64([0, 0, D]);
  const scale = g.constFloat([1 / Math.sqrt(dh)]);
  const half = g.constFloat([0.5]);
  const one = g.constFloat([1]);
  const invSqrt2 = g.constFloat([Math.SQRT1_2]);

  for (let l = 0; l < L; l++) {
    const p = `transformer.layer.${l}`;
    const split = (t: string, perm: number[]): string => g.op("Transpose", [g.op("Reshape", [t, headsShape])], { perm: ints(perm) });
    const q = split(g.op("Mul", [linear(x, `${p}.attention.q_lin`, D, D), scale]), [0, 2, 1, 3]);
    const k = split(linear(x, `${p}.attention.k_lin`, D, D), [0, 2, 3, 1]);
    const v = split(linear(x, `${p}.attention.v_lin`, D, D), [0, 2, 1, 3]);
    const scores = g.op("Add", [g.op("MatMul", [q, k]), maskBias]);
    const probs = g.op("Softmax", [scores], { axis: int(-1) });
    const context = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [probs, v])], { perm: ints([0, 2, 1, 3]) }), mergedShape]);
    const attnOut = linear(context, `${p}.attention.out_lin`, D, D);
    x = layerNorm(g.op("Add", [attnOut, x]), `${p}.sa_layer_norm`);
    // FFN with exact (erf) GELU, as DistilBERT's "gelu".
    const h = linear(x, `${p}.ffn.lin1`, D, F);
    const gelu = g.op("Mul", [g.op("Mul", [h, half]), g.op("Add", [one, g.op("Erf", [g.op("Mul", [h, invSqrt2])])])]);
    const ffnOut = linear(gelu, `${p}.ffn.lin2`, F, D);
    x = layerNorm(g.op("Add", [ffnOut, x]), `${p}.output_layer_norm`);
  }
  g.op("Identity", [x], {}, "last_hidden_state");
  g.output("last_hidden_state", DataType.FLOAT, ["batch_size", "sequence_length", D]);
  return encodeModel(toModel(g.toGraph("distilbert_random_init"), 17, "pipe-random-init"));
}

/** A transformers.js-loadable config.json: the real config with the chosen sizes. */
export function randomInitConfig(realConfig: Record<string, unknown>, sizes: DistilBertSizes): Record<string, unknown> {
  return {
    ...realConfig,
    model_type: "distilbert",
    architectures: ["DistilBertModel"],
    ...sizes,
  };
}

/** Tokenizer files a transformers.js folder needs (vocab.txt is optional but kept when present). */
export const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "vocab.txt"] as const;

export interface RandomBackboneCard {
  name: string;
  source: "random-init";
  pretrained: false;
  seed: number;
  [size: string]: unknown;
}

/**
 * Writes a transformers.js-loadable folder: config.json (real config, chosen sizes), the real
 * tokenizer files from `sourceDir`, onnx/model.onnx with seeded random weights, and card.json.
 * Vocab size and max positions come from the real config unless `sizes` overrides them.
 */
export function writeRandomBackbone(
  outDir: string,
  sourceDir: string,
  name: string,
  sizes: Omit<DistilBertSizes, "vocab_size" | "max_position_embeddings"> & Partial<DistilBertSizes>,
  seed: number,
): RandomBackboneCard {
  const realConfig = JSON.parse(readFileSync(join(sourceDir, "config.json"), "utf8")) as Record<string, unknown>;
  const full: DistilBertSizes = {
    vocab_size: sizes.vocab_size ?? Number(realConfig.vocab_size ?? 30522),
    max_position_embeddings: sizes.max_position_embeddings ?? Number(realConfig.max_position_embeddings ?? 512),
    dim: sizes.dim,
    n_layers: sizes.n_layers,
    n_heads: sizes.n_heads,
    hidden_dim: sizes.hidden_dim,
  };
  const padId = Number(realConfig.pad_token_id ?? 0);
  const bytes = buildRandomDistilBert(full, { seed, pad_token_id: padId });
  mkdirSync(join(outDir, "onnx"), { recursive: true });
  const atomic = (path: string, data: string | Uint8Array): void => {
    writeFileSync(`${path}.tmp`, data);
    renameSync(`${path}.tmp`, path);
  };
  atomic(join(outDir, "onnx", "model.onnx"), bytes);
  atomic(join(outDir, "config.json"), JSON.stringify(randomInitConfig(realConfig, full), null, 2) + "\n");
  for (const file of TOKENIZER_FILES) {
    try {
      writeFileSync(join(outDir, file), readFileSync(join(sourceDir, file)));
    } catch (err) {
      if (file !== "vocab.txt") throw err;
    }
  }
  const card: RandomBackboneCard = { name, source: "random-init", pretrained: false, seed, ...full };
  atomic(join(outDir, "card.json"), JSON.stringify(card, null, 2) + "\n");
  return card;
}
