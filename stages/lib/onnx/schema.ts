// The subset of onnx.proto (ONNX IR, proto2) that pipe reads and writes, as a protobufjs JSON
// descriptor: enough to build models and to load and extend any ordinary ONNX graph. Fields not listed
// (sparse tensors, training info, device/sharding configuration, quantization annotations) are dropped.
import protobuf from "protobufjs";

// Hand-written rather than generated from the official onnx.proto, because the generated one loads
// slower: `npx tsx bench/onnx-schema-load.ts --runs 80` (2 cores, median of 80 fresh tsx processes)
// gave this file 47.5 ms from import to the first encode + decode (import 11.8, fromJSON + lookup 6.0,
// first use 29.5) against 48.9 ms for onnx-buf's full ONNX 1.20 descriptor as JSON (7.8, 8.4, 30.7):
// building the full schema costs 2.4 ms more. stages/test/onnx-schema.test.ts holds every field here
// to the official one (number, type, repetition, packing, oneof) and lists exactly what is left out.

const ssEntry = { fields: { key: { type: "string", id: 1 }, value: { type: "string", id: 2 } } };

/** Field numbers, types and packing as in onnx/onnx.proto (checked against ONNX 1.20's). */
const onnxDescriptor = {
  nested: {
    onnx: {
      nested: {
        StringStringEntryProto: ssEntry,
        OperatorSetIdProto: {
          fields: { domain: { type: "string", id: 1 }, version: { type: "int64", id: 2 } },
        },
        AttributeProto: {
          fields: {
            name: { type: "string", id: 1 },
            refAttrName: { type: "string", id: 21 },
            docString: { type: "string", id: 13 },
            type: { type: "AttributeType", id: 20 },
            f: { type: "float", id: 2 },
            i: { type: "int64", id: 3 },
            s: { type: "bytes", id: 4 },
            t: { type: "TensorProto", id: 5 },
            g: { type: "GraphProto", id: 6 },
            tp: { type: "TypeProto", id: 14 },
            // proto2: repeated scalars without [packed = true] are written unpacked.
            floats: { rule: "repeated", type: "float", id: 7, options: { packed: false } },
            ints: { rule: "repeated", type: "int64", id: 8, options: { packed: false } },
            strings: { rule: "repeated", type: "bytes", id: 9 },
            tensors: { rule: "repeated", type: "TensorProto", id: 10 },
            graphs: { rule: "repeated", type: "GraphProto", id: 11 },
            typeProtos: { rule: "repeated", type: "TypeProto", id: 15 },
          },
          nested: {
            AttributeType: {
              values: {
                UNDEFINED: 0,
                FLOAT: 1,
                INT: 2,
                STRING: 3,
                TENSOR: 4,
                GRAPH: 5,
                SPARSE_TENSOR: 11,
                TYPE_PROTO: 13,
                FLOATS: 6,
                INTS: 7,
                STRINGS: 8,
                TENSORS: 9,
                GRAPHS: 10,
                SPARSE_TENSORS: 12,
                TYPE_PROTOS: 14,
              },
            },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: "string", id: 1 },
            type: { type: "TypeProto", id: 2 },
            docString: { type: "string", id: 3 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 4 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: "repeated", type: "string", id: 1 },
            output: { rule: "repeated", type: "string", id: 2 },
            name: { type: "string", id: 3 },
            opType: { type: "string", id: 4 },
            domain: { type: "string", id: 7 },
            overload: { type: "string", id: 8 },
            attribute: { rule: "repeated", type: "AttributeProto", id: 5 },
            docString: { type: "string", id: 6 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 9 },
          },
        },
        ModelProto: {
          fields: {
            irVersion: { type: "int64", id: 1 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 8 },
            producerName: { type: "string", id: 2 },
            producerVersion: { type: "string", id: 3 },
            domain: { type: "string", id: 4 },
            modelVersion: { type: "int64", id: 5 },
            docString: { type: "string", id: 6 },
            graph: { type: "GraphProto", id: 7 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 14 },
            functions: { rule: "repeated", type: "FunctionProto", id: 25 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: "repeated", type: "NodeProto", id: 1 },
            name: { type: "string", id: 2 },
            initializer: { rule: "repeated", type: "TensorProto", id: 5 },
            docString: { type: "string", id: 10 },
            input: { rule: "repeated", type: "ValueInfoProto", id: 11 },
            output: { rule: "repeated", type: "ValueInfoProto", id: 12 },
            valueInfo: { rule: "repeated", type: "ValueInfoProto", id: 13 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 16 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: "repeated", type: "int64", id: 1, options: { packed: false } },
            dataType: { type: "int32", id: 2 },
            segment: { type: "Segment", id: 3 },
            floatData: { rule: "repeated", type: "float", id: 4, options: { packed: true } },
            int32Data: { rule: "repeated", type: "int32", id: 5, options: { packed: true } },
            stringData: { rule: "repeated", type: "bytes", id: 6 },
            int64Data: { rule: "repeated", type: "int64", id: 7, options: { packed: true } },
            name: { type: "string", id: 8 },
            docString: { type: "string", id: 12 },
            rawData: { type: "bytes", id: 9 },
            externalData: { rule: "repeated", type: "StringStringEntryProto", id: 13 },
            dataLocation: { type: "DataLocation", id: 14 },
            doubleData: { rule: "repeated", type: "double", id: 10, options: { packed: true } },
            uint64Data: { rule: "repeated", type: "uint64", id: 11, options: { packed: true } },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 16 },
          },
          nested: {
            Segment: { fields: { begin: { type: "int64", id: 1 }, end: { type: "int64", id: 2 } } },
            DataLocation: { values: { DEFAULT: 0, EXTERNAL: 1 } },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: "repeated", type: "Dimension", id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ["dimValue", "dimParam"] } },
              fields: {
                dimValue: { type: "int64", id: 1 },
                dimParam: { type: "string", id: 2 },
                denotation: { type: "string", id: 3 },
              },
            },
          },
        },
        TypeProto: {
          oneofs: {
            value: { oneof: ["tensorType", "sequenceType", "mapType", "optionalType", "sparseTensorType"] },
          },
          fields: {
            tensorType: { type: "Tensor", id: 1 },
            sequenceType: { type: "Sequence", id: 4 },
            mapType: { type: "Map", id: 5 },
            optionalType: { type: "Optional", id: 9 },
            sparseTensorType: { type: "SparseTensor", id: 8 },
            denotation: { type: "string", id: 6 },
          },
          nested: {
            Tensor: {
              fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } },
            },
            SparseTensor: {
              fields: { elemType: { type: "int32", id: 1 }, shape: { type: "TensorShapeProto", id: 2 } },
            },
            Sequence: { fields: { elemType: { type: "TypeProto", id: 1 } } },
            Map: { fields: { keyType: { type: "int32", id: 1 }, valueType: { type: "TypeProto", id: 2 } } },
            Optional: { fields: { elemType: { type: "TypeProto", id: 1 } } },
          },
        },
        FunctionProto: {
          fields: {
            name: { type: "string", id: 1 },
            input: { rule: "repeated", type: "string", id: 4 },
            output: { rule: "repeated", type: "string", id: 5 },
            attribute: { rule: "repeated", type: "string", id: 6 },
            attributeProto: { rule: "repeated", type: "AttributeProto", id: 11 },
            node: { rule: "repeated", type: "NodeProto", id: 7 },
            docString: { type: "string", id: 8 },
            opsetImport: { rule: "repeated", type: "OperatorSetIdProto", id: 9 },
            domain: { type: "string", id: 10 },
            overload: { type: "string", id: 13 },
            valueInfo: { rule: "repeated", type: "ValueInfoProto", id: 12 },
            metadataProps: { rule: "repeated", type: "StringStringEntryProto", id: 14 },
          },
        },
      },
    },
  },
};

let cached: protobuf.Type | undefined;

/** The reflected `onnx.ModelProto` type, built once from the descriptor above. */
export function modelProtoType(): protobuf.Type {
  cached ??= protobuf.Root.fromJSON(onnxDescriptor).lookupType("onnx.ModelProto");
  return cached;
}
