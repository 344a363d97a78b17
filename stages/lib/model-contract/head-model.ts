// The classifier head on disk (`artifacts/head/head.json`, consumed by evaluate and the ONNX export)
// and its inference in plain JS: dense layers, ReLU between them, softmax after the last.
import { readFileSync } from "node:fs";
import { softmaxRows } from "./softmax.js";

export type HeadArch = "linear" | "mlp";

export interface HeadLayer {
  /** Row-major `[in, out]`. */
  readonly weight: readonly number[];
  readonly bias: readonly number[];
  readonly activation: "relu" | "none";
}

/** head.json; the softmax after the last layer is implied. */
export interface HeadJson {
  readonly arch: HeadArch;
  readonly input_dim: number;
  readonly n_classes: number;
  readonly labels: readonly string[];
  readonly layers: readonly HeadLayer[];
  readonly pretrained: boolean;
}

/** Checks the layer shapes chain from input_dim to n_classes; returns each layer's [in, out]. */
export function validateHead(head: HeadJson): Array<[number, number]> {
  const shapes: Array<[number, number]> = [];
  let inDim = head.input_dim;
  head.layers.forEach((l, i) => {
    const out = l.bias.length;
    if (out === 0 || l.weight.length !== inDim * out) {
      throw new Error(`head.json: layer ${i} weight has ${l.weight.length} values, expected ${inDim}×${out}`);
    }
    shapes.push([inDim, out]);
    inDim = out;
  });
  if (head.layers.length === 0 || inDim !== head.n_classes || head.labels.length !== head.n_classes) {
    throw new Error("head.json: the last layer must output n_classes = labels.length values");
  }
  return shapes;
}

export function loadHead(path: string): HeadJson {
  const head = JSON.parse(readFileSync(path, "utf8")) as HeadJson;
  validateHead(head);
  return head;
}

/** Class probabilities `[n × n_classes]` of `n = rows.length / dim` embedding rows. */
export function predictProba(head: HeadJson, rows: Float32Array, dim: number): Float32Array {
  if (dim !== head.input_dim) throw new RangeError(`head expects dim ${head.input_dim}, got ${dim}`);
  const shapes = validateHead(head);
  const n = Math.floor(rows.length / dim);
  let h: Float64Array | Float32Array = rows;
  head.layers.forEach((layer, li) => {
    const [inDim, outDim] = shapes[li] as [number, number];
    const w = Float64Array.from(layer.weight);
    const next = new Float64Array(n * outDim);
    for (let r = 0; r < n; r++) {
      const o = r * outDim;
      for (let c = 0; c < outDim; c++) next[o + c] = layer.bias[c] as number;
      for (let i = 0; i < inDim; i++) {
        const x = h[r * inDim + i] as number;
        if (x === 0) continue;
        const wi = i * outDim;
        for (let c = 0; c < outDim; c++) next[o + c] = (next[o + c] as number) + x * (w[wi + c] as number);
      }
      if (layer.activation === "relu") for (let c = 0; c < outDim; c++) next[o + c] = Math.max(0, next[o + c] as number);
    }
    h = next;
  });
  return softmaxRows(h, head.n_classes);
}
