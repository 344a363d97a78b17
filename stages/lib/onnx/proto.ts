// Typed views of the ONNX messages pipe builds, and encode/decode through the reflected schema.
// int64 fields are written as numbers; decoded ones may be `Long` objects, read them with `toInt`.
import { modelProtoType } from "./schema.js";

/** ONNX TensorProto.DataType values pipe uses. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type DataTypeId = (typeof DataType)[keyof typeof DataType];

/** An int64 as protobufjs hands it back: a number or a Long-like object. */
export type Int64 = number | { toNumber(): number };

export interface TensorProto {
  name: string;
  dims: Int64[];
  dataType: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int64Data?: Int64[];
  [more: string]: unknown;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: Int64[];
  [more: string]: unknown;
}

export interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain?: string;
  attribute: AttributeProto[];
  [more: string]: unknown;
}

export interface Dimension {
  dimValue?: Int64;
  dimParam?: string;
}

export interface ValueInfoProto {
  name: string;
  type?: { tensorType?: { elemType: number; shape?: { dim: Dimension[] } } };
  [more: string]: unknown;
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
  [more: string]: unknown;
}

export interface OperatorSetIdProto {
  domain: string;
  version: Int64;
}

export interface ModelProto {
  irVersion: Int64;
  opsetImport: OperatorSetIdProto[];
  producerName?: string;
  producerVersion?: string;
  graph: GraphProto;
  [more: string]: unknown;
}

export function toInt(value: Int64 | undefined | null): number {
  if (value === undefined || value === null) return 0;
  return typeof value === "number" ? value : value.toNumber();
}

/** Serialises a model to the ONNX wire format (deterministic for a given object). */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  return type.encode(type.fromObject(model)).finish();
}

/** Parses ONNX bytes; unknown fields are skipped. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = modelProtoType();
  const message = type.decode(bytes) as unknown as ModelProto;
  if (message.graph === undefined || message.graph === null) {
    throw new Error("not an ONNX model: no graph");
  }
  return message;
}

/** The opset version the model imports for a domain ("" is the default ai.onnx domain). */
export function opsetVersion(model: ModelProto, domain = ""): number {
  for (const entry of model.opsetImport) {
    const d = entry.domain ?? "";
    if (d === domain || (domain === "" && d === "ai.onnx")) return toInt(entry.version);
  }
  return 0;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian bytes of a typed array (ONNX raw_data is always little-endian). */
export function littleEndianBytes(data: Float32Array | BigInt64Array | Int32Array): Uint8Array {
  if (littleEndianHost) {
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  }
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else if (data instanceof Int32Array) data.forEach((v, i) => view.setInt32(i * 4, v, true));
  else data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return bytes;
}
