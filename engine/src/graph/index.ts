// The stage graph: built only from a validated pipeline, checked, acyclic, deterministic.
export { buildGraph } from "./build.js";
export type { Edge, GraphEnv, PipelineGraph } from "./build.js";
export { isWithin, ancestors } from "./paths.js";
