// Public surface of config: load and validate a pipeline file into the immutable Pipeline model.
export type { ConfigFs } from "./fs.js";
export { nodeConfigFs } from "./fs.js";
export type { LoadOptions } from "./load.js";
export { findPipelineFile, loadPipeline, loadPipelineReport, PIPELINE_FILES } from "./load.js";
export type { PipelineReport } from "./load.js";
export { getPath } from "./paths.js";
export type * from "./types.js";
export { loadPipelines, loadPipelinesReport } from "./multi.js";
export { fileOfAddress, isSubPipeline, stageAddress } from "./address.js";
