// The event vocabulary between the executor and whoever follows a run, and its wiring.
export type { Emit, EventSink, RunEvent, RunEventBody, SkipReason, StageFailure, StageOutcome, StageResult } from "./events.js";
export { emitTo, fanOut, newRunId } from "./sinks.js";
