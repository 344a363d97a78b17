// Metrics and params comparison: flatten files to dotted keys, read them at git revisions or in the
// workspace, and diff them as data (rendering lives in render/metrics-*.ts).
export type { FlatRecord } from "./flatten.js";
export { compareKeys, flatten, parseMetricsText } from "./flatten.js";
export type { DiffEntry, DiffOptions, MetricsDiff, Snapshot } from "./diff.js";
export { diffSnapshots, diffValues, emptySnapshot, isFiniteNumber, roundDiff, sameValue } from "./diff.js";
export type { Declared, DeclaredParam, DeclaredPlot } from "./declared.js";
export { declaredOf, emptyDeclared, mergeDeclared } from "./declared.js";
export { readMetrics, readParams } from "./collect.js";
export type { TreeReader } from "./revision.js";
export { gitReader, gitState, isGitRepo, listCommits, resolveRevision, WORKSPACE, workspaceReader } from "./revision.js";
export type { PipelineLoader } from "./pipeline-at.js";
export { defaultPipelineLoader, gitConfigFs } from "./pipeline-at.js";
export type { Aspect, Comparison, Side, StoredValues } from "./compare.js";
export { compare, comparedDeclared, revisionSide, snapshotOf, storedSide, workspaceSide } from "./compare.js";
