// Weight-only int8 quantization of an exported model.onnx (onnxruntime-node cannot quantize):
// MatMul weights become int8 + per-output-channel scales behind a DequantizeLinear; embedding
// tables feeding Gather become int8 rows with a per-row scale, dequantized after the lookup.
//   tsx serve/src/quantize.ts --model artifacts/export --out artifacts/export-int8
import { copyFile, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createHash } from "node:crypto";
import { parseCard, type ExportCard, type FileDigest } from "#model-contract/export-card.js";
import { DataType, decodeModel, encodeModel, littleEndianBytes, toInt, type NodeProto, type TensorProto } from "#onnx/index.js";

const INT8 = 3;

export interface QuantizeReport {
  readonly matmuls: number;
  readonly gathers: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

function floats(t: TensorProto): Float32Array | null {
  if (t.dataType !== DataType.FLOAT) return null;
  if (t.rawData !== undefined && t.rawData.length > 0) {
    const copy = t.rawData.slice();
    return new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
  }
  return t.floatData !== undefined && t.floatData.length > 0 ? Float32Array.from(t.floatData) : null;
}

/** Symmetric int8 of a row-major [rows, cols] matrix, one scale per column (axis 1) or row (axis 0). */
export function quantizeInt8(w: Float32Array, rows: number, cols: number, axis: 0 | 1): { q: Int8Array; scale: Float32Array } {
  const n = axis === 1 ? cols : rows;
  const maxAbs = new Float32Array(n);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const k = axis === 1 ? c : r;
      const a = Math.abs(w[r * cols + c] ?? 0);
      if (a > (maxAbs[k] ?? 0)) maxAbs[k] = a;
    }
  }
  const scale = maxAbs.map((m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = scale[axis === 1 ? c : r] ?? 1;
      q[r * cols + c] = Math.max(-127, Math.min(127, Math.round((w[r * cols + c] ?? 0) / s)));
    }
  }
  return { q, scale };
}

const int8Tensor = (name: string, q: Int8Array, dims: number[]): TensorProto => ({
  name,
  dims,
  dataType: INT8,
  rawData: new Uint8Array(q.buffer, q.byteOffset, q.byteLength),
});
const floatTensor = (name: string, data: Float32Array, dims: number[]): TensorProto => ({
  name,
  dims,
  dataType: DataType.FLOAT,
  rawData: littleEndianBytes(data),
});
const node = (opType: string, input: string[], output: string[], name: string, attribute: NodeProto["attribute"] = []): NodeProto => ({
  opType,
  input,
  output,
  name,
  attribute,
});
/** An INT attribute (AttributeProto.type 2). */
const intAttr = (name: string, i: number): NodeProto["attribute"][number] => ({ name, type: 2, i });

/** Quantizes the 2-D float weights (at least `minElements`) of MatMul and Gather nodes. */
export function quantizeModel(bytes: Uint8Array, minElements = 4096): { bytes: Uint8Array; report: QuantizeReport } {
  const model = decodeModel(bytes);
  const g = model.graph;
  const inits = new Map(g.initializer.map((t) => [t.name, t]));
  const users = new Map<string, number>();
  for (const n of g.node) for (const i of n.input) users.set(i, (users.get(i) ?? 0) + 1);
  const replaced = new Set<string>();
  const added: TensorProto[] = [];
  const nodes: NodeProto[] = [];
  let matmuls = 0;
  let gathers = 0;
  for (const n of g.node) {
    const wIndex = n.opType === "MatMul" ? 1 : n.opType === "Gather" ? 0 : -1;
    const wName = wIndex < 0 ? undefined : n.input[wIndex];
    const t = wName === undefined ? undefined : inits.get(wName);
    const dims = t?.dims.map(toInt) ?? [];
    const w = t === undefined ? null : floats(t);
    const gatherAxis0 = n.opType !== "Gather" || toInt(n.attribute.find((a) => a.name === "axis")?.i) === 0;
    if (wName === undefined || t === undefined || w === null || dims.length !== 2 || w.length < minElements || users.get(wName) !== 1 || !gatherAxis0) {
      nodes.push(n);
      continue;
    }
    const [rows, cols] = dims as [number, number];
    replaced.add(wName);
    if (n.opType === "MatMul") {
      const { q, scale } = quantizeInt8(w, rows, cols, 1);
      added.push(
        int8Tensor(`${wName}_q`, q, [rows, cols]),
        floatTensor(`${wName}_scale`, scale, [cols]),
        int8Tensor(`${wName}_zp`, new Int8Array(cols), [cols]),
      );
      nodes.push(node("DequantizeLinear", [`${wName}_q`, `${wName}_scale`, `${wName}_zp`], [`${wName}_dq`], `${n.name}_dq`, [intAttr("axis", 1)]));
      nodes.push({ ...n, input: n.input.map((x, i) => (i === 1 ? `${wName}_dq` : x)) });
      matmuls++;
    } else {
      // Gather int8 rows and their scales, then rows * scale: only the looked-up rows are dequantized.
      const { q, scale } = quantizeInt8(w, rows, cols, 0);
      const ids = n.input[1] as string;
      const out = n.output[0] as string;
      added.push(int8Tensor(`${wName}_q`, q, [rows, cols]), floatTensor(`${wName}_scale`, scale, [rows, 1]));
      nodes.push(node("Gather", [`${wName}_q`, ids], [`${out}_q`], `${n.name}_q`, [intAttr("axis", 0)]));
      nodes.push(node("Gather", [`${wName}_scale`, ids], [`${out}_s`], `${n.name}_s`, [intAttr("axis", 0)]));
      nodes.push(node("Cast", [`${out}_q`], [`${out}_f`], `${n.name}_cast`, [intAttr("to", DataType.FLOAT)]));
      nodes.push(node("Mul", [`${out}_f`, `${out}_s`], [out], `${n.name}_mul`));
      gathers++;
    }
  }
  g.node = nodes;
  g.initializer = [...g.initializer.filter((t) => !replaced.has(t.name)), ...added];
  const outBytes = encodeModel(model);
  return { bytes: outBytes, report: { matmuls, gathers, bytesBefore: bytes.length, bytesAfter: outBytes.length } };
}

/** Copies an export package with model.onnx quantized; the card gains `quantization` and new digests. */
export async function quantizeExport(src: string, dst: string): Promise<QuantizeReport> {
  const parsed = parseCard(await readFile(join(src, "card.json"), "utf8"), join(src, "card.json"));
  if (parsed.kind !== "transformer") throw new Error(`${src} is a ${parsed.kind} export; only transformer exports are quantized`);
  const card = parsed.raw as unknown as ExportCard;
  await mkdir(dst, { recursive: true });
  const { bytes, report } = quantizeModel(new Uint8Array(await readFile(join(src, "model.onnx"))));
  const files: Record<string, FileDigest> = {};
  for (const e of await readdir(src, { withFileTypes: true })) {
    if (!e.isFile() || e.name === "card.json") continue;
    if (e.name === "model.onnx") await writeFile(join(dst, e.name), bytes);
    else await copyFile(join(src, e.name), join(dst, e.name));
    const data = await readFile(join(dst, e.name));
    files[e.name] = { sha256: createHash("sha256").update(data).digest("hex"), bytes: data.length };
  }
  const out: ExportCard = {
    ...card,
    files,
    quantization: {
      scheme: "int8-weight-only",
      matmuls: report.matmuls,
      gathers: report.gathers,
      source_model_sha256: createHash("sha256")
        .update(await readFile(join(src, "model.onnx")))
        .digest("hex"),
    },
  };
  await writeFile(join(dst, "card.json"), `${JSON.stringify(out, null, 2)}\n`);
  return report;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { model: { type: "string", default: "artifacts/export" }, out: { type: "string" } } });
  if (values.out === undefined) {
    process.stderr.write("usage: tsx serve/src/quantize.ts --model artifacts/export --out artifacts/export-int8\n");
    process.exit(2);
  }
  quantizeExport(values.model ?? "artifacts/export", values.out).then(
    (r) =>
      process.stdout.write(
        `quantized ${r.matmuls} MatMul and ${r.gathers} Gather weights: ${(r.bytesBefore / 2 ** 20).toFixed(1)} MiB -> ${(r.bytesAfter / 2 ** 20).toFixed(1)} MiB\n`,
      ),
    (err: unknown) => {
      process.stderr.write(`quantize: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
