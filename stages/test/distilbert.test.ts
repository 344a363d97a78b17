// The random-init DistilBERT graph: same seed same bytes, ONNX Runtime matches a plain-JS forward
// pass of the architecture, padding does not change real tokens, and the folder layout.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeWithMirror } from "./helpers/needs-mirror.js";
import ort from "onnxruntime-node";
import { buildRandomDistilBert, writeRandomBackbone, type DistilBertSizes } from "#transformer/distilbert-random.js";
import { decodeModel, type ModelProto } from "#onnx/index.js";
import { mirrorModelDir } from "#common/mirror.js";

const SIZES: DistilBertSizes = { vocab_size: 50, max_position_embeddings: 16, dim: 8, n_layers: 2, n_heads: 2, hidden_dim: 12 };

function weights(model: ModelProto): Map<string, Float32Array> {
  const map = new Map<string, Float32Array>();
  for (const t of model.graph.initializer) {
    const raw = t.rawData as Uint8Array;
    const copy = new Uint8Array(raw); // aligned copy
    if (t.dataType === 1) map.set(t.name, new Float32Array(copy.buffer, 0, copy.byteLength / 4));
  }
  return map;
}

/** Reference DistilBERT forward for one unpadded sequence: [len, dim]. */
function reference(w: Map<string, Float32Array>, s: DistilBertSizes, ids: number[]): Float64Array[] {
  const get = (n: string): Float32Array =>
    w.get(n) ??
    (() => {
      throw new Error(`missing ${n}`);
    })();
  const D = s.dim;
  const ln = (x: number[], p: string): number[] => {
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const v = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    const g = get(`${p}.weight`),
      b = get(`${p}.bias`);
    return x.map((xi, i) => ((xi - mean) / Math.sqrt(v + 1e-12)) * (g[i] as number) + (b[i] as number));
  };
  const lin = (x: number[], p: string, out: number): number[] => {
    const W = get(`${p}.weight`),
      B = get(`${p}.bias`);
    return Array.from({ length: out }, (_, o) => x.reduce((acc, xi, i) => acc + xi * (W[i * out + o] as number), B[o] as number));
  };
  const we = get("embeddings.word_embeddings.weight"),
    pe = get("embeddings.position_embeddings.weight");
  let x = ids.map((id, t) =>
    ln(
      Array.from({ length: D }, (_, d) => (we[id * D + d] as number) + (pe[t * D + d] as number)),
      "embeddings.LayerNorm",
    ),
  );
  const H = s.n_heads,
    dh = D / H;
  for (let l = 0; l < s.n_layers; l++) {
    const p = `transformer.layer.${l}`;
    const q = x.map((r) => lin(r, `${p}.attention.q_lin`, D).map((v) => v / Math.sqrt(dh)));
    const k = x.map((r) => lin(r, `${p}.attention.k_lin`, D));
    const v = x.map((r) => lin(r, `${p}.attention.v_lin`, D));
    const ctx = x.map((_, t) => {
      const out = new Array<number>(D).fill(0);
      for (let h = 0; h < H; h++) {
        const sc = k.map((kr) => Array.from({ length: dh }, (_, j) => (q[t] as number[])[h * dh + j]! * kr[h * dh + j]!).reduce((a, b) => a + b, 0));
        const m = Math.max(...sc);
        const e = sc.map((z) => Math.exp(z - m));
        const sum = e.reduce((a, b) => a + b, 0);
        e.forEach((ei, u) => {
          for (let j = 0; j < dh; j++) out[h * dh + j]! += (ei / sum) * (v[u] as number[])[h * dh + j]!;
        });
      }
      return out;
    });
    x = x.map((r, t) =>
      ln(
        lin(ctx[t] as number[], `${p}.attention.out_lin`, D).map((z, i) => z + r[i]!),
        `${p}.sa_layer_norm`,
      ),
    );
    x = x.map((r) => {
      const h1 = lin(r, `${p}.ffn.lin1`, s.hidden_dim).map((z) => 0.5 * z * (1 + erf(z / Math.SQRT2)));
      return ln(
        lin(h1, `${p}.ffn.lin2`, D).map((z, i) => z + r[i]!),
        `${p}.output_layer_norm`,
      );
    });
  }
  return x.map((r) => Float64Array.from(r));
}

/** erf by its Taylor series (exact enough for the small |x| of a random-init model). */
function erf(x: number): number {
  if (Math.abs(x) > 5) return Math.sign(x);
  let sum = 0,
    term = x,
    n = 0;
  while (Math.abs(term) > 1e-16 * Math.abs(sum) || n < 3) {
    sum += term / (2 * n + 1);
    n++;
    term *= (-x * x) / n;
    if (n > 200) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

async function run(bytes: Uint8Array, batch: number[][]): Promise<{ data: Float32Array; seq: number }> {
  const session = await ort.InferenceSession.create(bytes);
  const seq = Math.max(...batch.map((r) => r.length));
  const ids = new BigInt64Array(batch.length * seq),
    mask = new BigInt64Array(batch.length * seq);
  batch.forEach((r, i) =>
    r.forEach((id, t) => {
      ids[i * seq + t] = BigInt(id);
      mask[i * seq + t] = 1n;
    }),
  );
  const out = await session.run({
    input_ids: new ort.Tensor("int64", ids, [batch.length, seq]),
    attention_mask: new ort.Tensor("int64", mask, [batch.length, seq]),
  });
  return { data: out.last_hidden_state?.data as Float32Array, seq };
}

describe("random-init DistilBERT", () => {
  const bytes = buildRandomDistilBert(SIZES, { seed: 3 });

  it("is byte-identical for the same seed and differs for another", () => {
    expect(Buffer.from(buildRandomDistilBert(SIZES, { seed: 3 })).equals(Buffer.from(bytes))).toBe(true);
    expect(Buffer.from(buildRandomDistilBert(SIZES, { seed: 4 })).equals(Buffer.from(bytes))).toBe(false);
  });

  it("matches a plain-JS forward pass and ignores padding", async () => {
    const w = weights(decodeModel(bytes));
    const batch = [
      [1, 7, 9, 2],
      [1, 30, 2],
    ];
    const { data, seq } = await run(bytes, batch);
    batch.forEach((ids, b) => {
      const ref = reference(w, SIZES, ids);
      ref.forEach((row, t) => row.forEach((v, d) => expect(data[(b * seq + t) * SIZES.dim + d]).toBeCloseTo(v, 4)));
    });
  });

  it("uses HF init: N(0, 0.02) weights, zero pad row, LayerNorm 1/0", () => {
    const w = weights(decodeModel(bytes));
    const q = w.get("transformer.layer.0.attention.q_lin.weight") as Float32Array;
    const std = Math.sqrt(q.reduce((a, b) => a + b * b, 0) / q.length);
    expect(std).toBeGreaterThan(0.01);
    expect(std).toBeLessThan(0.03);
    expect(Array.from((w.get("embeddings.word_embeddings.weight") as Float32Array).slice(0, SIZES.dim))).toEqual(new Array(SIZES.dim).fill(0));
    expect(Array.from(w.get("embeddings.LayerNorm.weight") as Float32Array)).toEqual(new Array(SIZES.dim).fill(1));
  });

  const mirror = mirrorModelDir("distilbert-base-uncased");
  describeWithMirror("backbone folder", mirror !== null, "models/distilbert-base-uncased", () => {
    const dir = mkdtempSync(join(tmpdir(), "pipe-bb-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it("writes config, tokenizer files, onnx/model.onnx and a card saying not pretrained", () => {
      const card = writeRandomBackbone(dir, mirror as string, "distilbert-base-uncased", { dim: 32, n_layers: 1, n_heads: 4, hidden_dim: 64 }, 1);
      expect(card).toMatchObject({ source: "random-init", pretrained: false, vocab_size: 30522, max_position_embeddings: 512, dim: 32 });
      const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
      expect(config).toMatchObject({ model_type: "distilbert", dim: 32, n_layers: 1, n_heads: 4, hidden_dim: 64, vocab_size: 30522 });
      for (const f of ["tokenizer.json", "tokenizer_config.json", "vocab.txt", "onnx/model.onnx", "card.json"]) {
        expect(readFileSync(join(dir, f)).length).toBeGreaterThan(0);
      }
    });
  });
});
