// A small ONNX graph builder: named inputs/outputs, initializers from typed arrays, and nodes with
// typed attributes. Node and value names are deterministic (a prefix plus a counter).
import {
  DataType,
  littleEndianBytes,
  type AttributeProto,
  type DataTypeId,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from "./proto.js";

/** Attribute values are tagged so ints and floats cannot be confused. */
export type AttrValue =
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "ints"; value: number[] }
  | { kind: "string"; value: string }
  | { kind: "tensor"; value: TensorProto };

export const int = (value: number): AttrValue => ({ kind: "int", value });
export const float = (value: number): AttrValue => ({ kind: "float", value });
export const ints = (value: number[]): AttrValue => ({ kind: "ints", value });
export const str = (value: string): AttrValue => ({ kind: "string", value });

function toAttribute(name: string, attr: AttrValue): AttributeProto {
  switch (attr.kind) {
    case "int":
      return { name, type: 2, i: attr.value };
    case "float":
      return { name, type: 1, f: attr.value };
    case "ints":
      return { name, type: 7, ints: attr.value };
    case "string":
      return { name, type: 3, s: new TextEncoder().encode(attr.value) };
    case "tensor":
      return { name, type: 4, t: attr.value };
    default: {
      const never: never = attr;
      throw new Error(`unknown attribute kind ${String(never)}`);
    }
  }
}

/** A tensor dimension: a fixed size or a symbolic name such as "batch". */
export type Dim = number | string;

export function valueInfo(name: string, elemType: DataTypeId, shape: Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function tensor(name: string, data: Float32Array | BigInt64Array | Int32Array, dims: number[]): TensorProto {
  const dataType = data instanceof Float32Array ? DataType.FLOAT : data instanceof Int32Array ? DataType.INT32 : DataType.INT64;
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`tensor ${name}: dims ${dims.join("x")} != ${data.length} values`);
  return { name, dims, dataType, rawData: littleEndianBytes(data) };
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private counter = 0;

  /** `prefix` keeps names unique when extending an existing graph. */
  constructor(private readonly prefix = "") {}

  private fresh(hint: string): string {
    this.counter += 1;
    return `${this.prefix}${hint}_${this.counter}`;
  }

  input(name: string, elemType: DataTypeId, shape: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, shape));
    return name;
  }

  output(name: string, elemType: DataTypeId, shape: Dim[]): string {
    this.outputs.push(valueInfo(name, elemType, shape));
    return name;
  }

  /** Adds an initializer and returns its (prefixed) name. */
  weight(name: string, data: Float32Array | BigInt64Array | Int32Array, dims: number[]): string {
    const full = `${this.prefix}${name}`;
    this.initializers.push(tensor(full, data, dims));
    return full;
  }

  constFloat(values: number[], dims: number[] = values.length === 1 ? [] : [values.length]): string {
    return this.weight(this.fresh("constf").slice(this.prefix.length), Float32Array.from(values), dims);
  }

  constInt64(values: number[], dims: number[] = values.length === 1 ? [] : [values.length]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.weight(this.fresh("consti").slice(this.prefix.length), data, dims);
  }

  /** Adds a node with `outputs` outputs (or the given output names) and returns their names. */
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs: number | string[] = 1): string[] {
    const name = this.fresh(opType);
    const outNames = typeof outputs === "number" ? Array.from({ length: outputs }, (_, i) => `${name}_out${i}`) : outputs;
    const attribute = Object.keys(attrs)
      .sort()
      .map((key) => toAttribute(key, attrs[key] as AttrValue));
    this.nodes.push({ input: inputs, output: outNames, name, opType, attribute });
    return outNames;
  }

  /** A single-output node; returns the output's name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    const [out] = this.node(opType, inputs, attrs, output === undefined ? 1 : [output]);
    return out as string;
  }

  toGraph(name: string): GraphProto {
    return {
      name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    };
  }
}

/** Wraps a graph as a model importing the default opset at `opset`. */
export function toModel(graph: GraphProto, opset = 17, producerName = "pipe"): ModelProto {
  return {
    irVersion: 8,
    opsetImport: [{ domain: "", version: opset }],
    producerName,
    producerVersion: "1",
    graph,
  };
}
