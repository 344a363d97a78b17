// Rendering of run events (the engine emits, reporters print): plain lines, a live TTY view, JSON
// lines, per-stage log files; and the sentences for failures and skips.
export type { RunEvent, Emit, StageOutcome } from "../events/index.js";
export { plainReporter, jsonReporter, ttyReporter, plainLine, type Reporter } from "./reporters.js";
export { describeFailure, describeSkip } from "./describe.js";
export { stageLogSink } from "./stage-logs.js";
export { formatDuration, summaryLine } from "./format.js";
