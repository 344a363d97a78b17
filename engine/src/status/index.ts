// Stage status: observe the workspace, decide the reasons, fingerprint for the run cache, and the
// one decision of a stage's turn.
export type { StaleReason } from "./reasons.js";
export { describeReason } from "./reasons.js";
export type { Observation, GlobExpander } from "./observe.js";
export { observe, observeDeps, observeOuts, fastGlobExpander } from "./observe.js";
export type { RecordedStage } from "./decide.js";
export { decide, stageFingerprint, cmdText } from "./decide.js";
export type { Decision, DecisionInput, NoRestore, RunCacheLookup } from "./decision.js";
export { decideStage, sameOuts, uncacheable } from "./decision.js";
export type { Recall, Recalled, RecalledFrom, RecallSources } from "./recall.js";
export { createRecall, hasLegacyItems, recall, translateItems } from "./recall.js";
