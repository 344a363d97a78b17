// Experiments: every repro is recorded in an embedded store (.pipe/exp/); `-S` overrides, grids
// and queues for `pipe exp run`; values to compare with metrics/.
export type { ExperimentRecord, FileValues, GitInfo, QueuedExperiment, RunStatus } from "./types.js";
export { DuplicateNameError, EXP_DIR, ExpStore, newId } from "./store.js";
export type { ListResult } from "./store.js";
export { DEFAULT_PARAMS_FILE, describeOverrides, expandGrid, parseSetArg } from "./grid.js";
export type { SetArg } from "./grid.js";
export { applyOverrides, checkOverrides, setParamsText, writeParams } from "./params-edit.js";
export type { AppliedParams } from "./params-edit.js";
export { buildRecord, recordExperiment, recordRun } from "./record.js";
export type { ExperimentSpec, ReproRun, RunSummary } from "./record.js";
export { recordReader, storedValues } from "./values.js";
export { linePrefixer } from "./line-prefix.js";
export type { LinePrefixer } from "./line-prefix.js";
