// Stage status: observe the workspace, decide the reasons, fingerprint for the run cache.
export type { StaleReason } from "./reasons.js";
export { describeReason } from "./reasons.js";
export type { Observation, GlobExpander } from "./observe.js";
export { observe, observeDeps, observeOuts, fastGlobExpander } from "./observe.js";
export type { RecordedStage } from "./decide.js";
export { decide, stageFingerprint, cmdText } from "./decide.js";
export type { Verdict } from "./verdict.js";
export { verdict } from "./verdict.js";
