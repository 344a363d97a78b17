// The official onnx.proto (proto2) as a protobufjs root, from the FileDescriptorProto that the
// onnx-buf devDependency ships compiled (its version is ONNX's): what lib/onnx/schema.ts is checked
// against (stages/test/onnx-schema.test.ts) and timed against (bench/onnx-schema-load.ts).
import { toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { file_onnx } from "onnx-buf";
import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor.js";

/** The official schema as a protobufjs JSON descriptor: field names in camelCase, proto2 packing per field. */
export function officialOnnxSchemaJson(): protobuf.INamespace {
  const file = descriptor.FileDescriptorProto.decode(toBinary(FileDescriptorProtoSchema, file_onnx.proto)) as descriptor.IFileDescriptorProto;
  return protobuf.Root.fromDescriptor({ file: [file] }).toJSON();
}
