// lib/onnx/schema.ts, the hand-written subset of onnx.proto, against the official onnx.proto (as the
// onnx-buf devDependency ships it): every message, field number, type, repetition, packing and oneof
// it declares is the official one, and what it leaves out is exactly what its header says it drops.
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { modelProtoType } from "#onnx/schema.js";
import { officialOnnxSchemaJson } from "./helpers/official-onnx-schema.js";

function typesOf(ns: protobuf.NamespaceBase): protobuf.Type[] {
  return ns.nestedArray.flatMap((n) => (n instanceof protobuf.Type ? [n, ...typesOf(n)] : n instanceof protobuf.Namespace ? typesOf(n) : []));
}

function enumsOf(ns: protobuf.NamespaceBase): protobuf.Enum[] {
  return ns.nestedArray.flatMap((n) => (n instanceof protobuf.Enum ? [n] : n instanceof protobuf.Namespace ? enumsOf(n) : []));
}

/** Whether a repeated field of this type may be packed (numbers, bools and enums; never strings, bytes, messages). */
const packable = (f: protobuf.Field): boolean =>
  f.resolvedType instanceof protobuf.Enum || (protobuf.types.packed as Record<string, unknown>)[f.type] !== undefined;

/** What decides a field's wire format and meaning. */
function shape(f: protobuf.Field): Record<string, unknown> {
  const packed = f.repeated && packable(f) ? f.packed : null;
  return { id: f.id, type: f.resolvedType?.fullName ?? f.type, repeated: f.repeated, packed, oneof: f.partOf?.name ?? null };
}

const official = protobuf.Root.fromJSON(officialOnnxSchemaJson()).resolveAll();
const hand = modelProtoType().root.resolveAll();
const officialTypes = new Map(typesOf(official).map((t) => [t.fullName, t]));

describe("lib/onnx/schema.ts against the official onnx.proto", () => {
  it("declares every field as onnx.proto does", () => {
    const types = typesOf(hand);
    expect(types.length).toBeGreaterThan(10);
    for (const t of types) {
      const o = officialTypes.get(t.fullName);
      expect(o, `${t.fullName} is not an onnx.proto message`).toBeDefined();
      for (const f of t.fieldsArray) {
        const of = o?.fields[f.name];
        expect(of, `${t.fullName}.${f.name} is not in onnx.proto`).toBeDefined();
        expect(shape(f), `${t.fullName}.${f.name}`).toEqual(shape(of as protobuf.Field));
      }
    }
  });

  it("gives its enums onnx.proto's values", () => {
    const enums = enumsOf(hand);
    expect(enums.map((e) => e.fullName).sort()).toEqual([".onnx.AttributeProto.AttributeType", ".onnx.TensorProto.DataLocation"]);
    for (const e of enums) expect(e.values, e.fullName).toEqual(official.lookupEnum(e.fullName).values);
  });

  it("leaves out only sparse tensors, training info, device and sharding configuration, quantization annotations", () => {
    const handTypes = new Map(typesOf(hand).map((t) => [t.fullName, t]));
    const left = [...officialTypes.values()].flatMap((t) => {
      const h = handTypes.get(t.fullName);
      return h === undefined ? [t.fullName] : t.fieldsArray.filter((f) => h.fields[f.name] === undefined).map((f) => `${t.fullName}.${f.name}`);
    });
    expect(left.sort()).toEqual(
      [
        ".onnx.AttributeProto.sparseTensor",
        ".onnx.AttributeProto.sparseTensors",
        ".onnx.DeviceConfigurationProto",
        ".onnx.GraphProto.quantizationAnnotation",
        ".onnx.GraphProto.sparseInitializer",
        ".onnx.IntIntListEntryProto",
        ".onnx.ModelProto.configuration",
        ".onnx.ModelProto.trainingInfo",
        ".onnx.NodeDeviceConfigurationProto",
        ".onnx.NodeProto.deviceConfigurations",
        ".onnx.ShardedDimProto",
        ".onnx.ShardingSpecProto",
        ".onnx.SimpleShardedDimProto",
        ".onnx.SparseTensorProto",
        ".onnx.TensorAnnotation",
        ".onnx.TrainingInfoProto",
      ].sort(),
    );
  });
});
