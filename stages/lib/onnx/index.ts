// ONNX encoding for pipe: a protobufjs schema for ModelProto, typed messages and a graph builder.
export * from "./proto.js";
export * from "./builder.js";
export { modelProtoType } from "./schema.js";
