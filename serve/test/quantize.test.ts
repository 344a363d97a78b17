// Weight-only int8 quantization: a smaller model.onnx whose probabilities stay close to fp32's.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeWithMirror } from "../../stages/test/helpers/needs-mirror.js";
import { loadModel } from "../src/predictor.js";
import { quantizeExport, quantizeInt8 } from "../src/quantize.js";
import { mirrorTokenizerDir, writeTinyTransformerExport } from "./fixtures/tiny-export.js";

const tokDir = mirrorTokenizerDir(process.cwd());

describe("quantizeInt8", () => {
  it("round-trips within half a step per channel", () => {
    const w = Float32Array.from([0.5, -1, 0.25, 2, 0, -0.1]);
    const { q, scale } = quantizeInt8(w, 2, 3, 1);
    expect(q).toHaveLength(w.length);
    expect(Array.from(scale)).toEqual([2 / 127, 1 / 127, 0.25 / 127].map(Math.fround));
    w.forEach((v, i) => expect(Math.abs((q[i] ?? 0) * (scale[i % 3] ?? 0) - v)).toBeLessThanOrEqual((scale[i % 3] ?? 0) / 2 + 1e-7));
  });
});

describeWithMirror("quantizeExport", existsSync(join(tokDir, "tokenizer.json")), "models/distilbert-base-uncased/tokenizer.json", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pipe-quant-"));
    writeTinyTransformerExport(join(dir, "f"), { tokenizerDir: tokDir, dim: 64, layers: 2, heads: 2 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("shrinks model.onnx about 4x and keeps the predictions", async () => {
    const report = await quantizeExport(join(dir, "f"), join(dir, "q"));
    expect(report.gathers).toBeGreaterThanOrEqual(1);
    expect(report.matmuls).toBeGreaterThanOrEqual(8);
    expect(statSync(join(dir, "q", "model.onnx")).size).toBeLessThan(statSync(join(dir, "f", "model.onnx")).size / 3);
    const card = JSON.parse(readFileSync(join(dir, "q", "card.json"), "utf8")) as { quantization: { scheme: string } };
    expect(card.quantization.scheme).toBe("int8-weight-only");
    const papers = [
      { title: "Deep learning for vision", summary: "Convolutional networks on images." },
      { title: "Finite elements", summary: "A solver for elliptic PDEs." },
    ];
    const f = await loadModel(join(dir, "f"));
    const q = await loadModel(join(dir, "q"));
    const [pf, pq] = [await f.predictor.predict(papers), await q.predictor.predict(papers)];
    expect(pf).toHaveLength(papers.length);
    expect(pq).toHaveLength(papers.length);
    for (const row of [...pf, ...pq]) expect(row).toHaveLength(f.predictor.labels.length);
    pf.forEach((row, i) => row.forEach((p, j) => expect(Math.abs(p - (pq[i]?.[j] ?? NaN))).toBeLessThan(0.02)));
    expect(q.predictor.version).not.toBe(f.predictor.version);
  });
});
