// Rendering of run events (the engine emits, reporters print).
export type { RunEvent, Emit, StageOutcome } from "./events.js";
export { plainReporter, jsonReporter, ttyReporter, plainLine, type Reporter } from "./reporters.js";
export { formatDuration, summaryLine } from "./format.js";
