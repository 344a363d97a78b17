// One ONNX graph from token ids to class probabilities: the backbone's graph, extended with masked
// mean pooling, the trained head's dense layers (artifacts/head/head.json) and a softmax.
// Works on any backbone graph with inputs input_ids/attention_mask and a [batch, seq, dim] output.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import {
  DataType,
  GraphBuilder,
  decodeModel,
  encodeModel,
  int,
  ints,
  opsetVersion,
  toInt,
  valueInfo,
  type ModelProto,
  type ValueInfoProto,
} from "#onnx/index.js";
import { EXPORT_INPUTS, EXPORT_OUTPUT } from "#model-contract/export-card.js";
import { validateHead as headShapes, type HeadJson } from "#model-contract/head-model.js";

function hiddenOutput(model: ModelProto): ValueInfoProto {
  const outs = model.graph.output;
  const hidden = outs.find((o) => o.name === "last_hidden_state") ?? outs[0];
  if (hidden === undefined) throw new Error("backbone graph has no outputs");
  return hidden;
}

/** Appends pooling + head + softmax to the backbone graph in place. */
export function extendWithHead(model: ModelProto, head: HeadJson): void {
  const shapes = headShapes(head);
  const graph = model.graph;
  const inputNames = graph.input.map((i) => i.name);
  for (const name of EXPORT_INPUTS) {
    if (!inputNames.includes(name)) throw new Error(`backbone graph has no '${name}' input (has ${inputNames.join(", ")})`);
  }
  const opset = opsetVersion(model);
  if (opset < 8) throw new Error(`backbone opset ${opset} is too old (need >= 8)`);
  const g = new GraphBuilder("pipe_head/");
  // BERT-style backbones also take token_type_ids: feed zeros shaped like input_ids.
  if (inputNames.includes("token_type_ids")) {
    graph.input = graph.input.filter((i) => i.name !== "token_type_ids");
    g.op("Mul", ["input_ids", g.constInt64([0])], {}, "token_type_ids");
  }
  const axesOp = (op: "ReduceSum" | "Unsqueeze", x: string, axes: number[], attrs: Record<string, ReturnType<typeof int>> = {}): string =>
    opset >= 13 ? g.op(op, [x, g.constInt64(axes, [axes.length])], attrs) : g.op(op, [x], { ...attrs, axes: ints(axes) });

  const hidden = hiddenOutput(model).name;
  const mask = axesOp("Unsqueeze", g.op("Cast", ["attention_mask"], { to: int(DataType.FLOAT) }), [2]);
  const summed = axesOp("ReduceSum", g.op("Mul", [hidden, mask]), [1], { keepdims: int(0) });
  const count = g.op("Max", [axesOp("ReduceSum", mask, [1], { keepdims: int(0) }), g.constFloat([1])]);
  let h = g.op("Div", [summed, count]);
  head.layers.forEach((layer, i) => {
    const [inDim, outDim] = shapes[i] as [number, number];
    const w = g.weight(`layer${i}.weight`, Float32Array.from(layer.weight), [inDim, outDim]);
    const b = g.weight(`layer${i}.bias`, Float32Array.from(layer.bias), [outDim]);
    h = g.op("Add", [g.op("MatMul", [h, w]), b]);
    if (layer.activation === "relu") h = g.op("Relu", [h]);
  });
  g.op("Softmax", [h], { axis: int(opset >= 13 ? -1 : 1) }, EXPORT_OUTPUT);
  graph.node.push(...g.nodes);
  graph.initializer.push(...g.initializers);
  graph.output = [valueInfo(EXPORT_OUTPUT, DataType.FLOAT, ["batch_size", head.n_classes])];
}

/** Copies external-data files the backbone references so the exported graph finds them. */
function copyExternalData(model: ModelProto, fromDir: string, toDir: string): void {
  if (resolve(fromDir) === resolve(toDir)) return;
  const files = new Set<string>();
  for (const t of model.graph.initializer) {
    const entries = (t.externalData ?? []) as { key: string; value: string }[];
    for (const e of entries) if (e.key === "location") files.add(e.value);
  }
  for (const file of files) {
    const from = join(fromDir, file);
    if (!existsSync(from)) throw new Error(`backbone external data ${from} is missing`);
    mkdirSync(dirname(join(toDir, file)), { recursive: true });
    copyFileSync(from, join(toDir, file));
  }
}

/**
 * Writes `outPath`: inputs input_ids, attention_mask (int64 [batch, seq]) to `probabilities`
 * (float32 [batch, n_classes]). `head` is head.json's content or its path.
 */
export function buildExportGraph(backboneOnnxPath: string, head: HeadJson | string, outPath: string): void {
  const headJson = typeof head === "string" ? (JSON.parse(readFileSync(head, "utf8")) as HeadJson) : head;
  const model = decodeModel(readFileSync(backboneOnnxPath));
  const hiddenShape = hiddenOutput(model).type?.tensorType?.shape?.dim;
  const lastDim = hiddenShape?.[hiddenShape.length - 1]?.dimValue;
  if (lastDim !== undefined && lastDim !== null && toInt(lastDim) !== headJson.input_dim) {
    throw new Error(`backbone hidden size ${toInt(lastDim)} != head input_dim ${headJson.input_dim}`);
  }
  extendWithHead(model, headJson);
  model.producerName = "pipe-export";
  mkdirSync(dirname(outPath), { recursive: true });
  copyExternalData(model, dirname(backboneOnnxPath), dirname(outPath));
  const tmp = join(dirname(outPath), `.${basename(outPath)}.tmp-${process.pid}`);
  writeFileSync(tmp, encodeModel(model));
  renameSync(tmp, outPath);
}
