// Metrics and params comparison: flatten files to dotted keys, read them from two trees (a git
// commit, the workspace), and diff them as data (rendering lives in render/metrics-*.ts).
export type { FlatRecord } from "./flatten.js";
export { compareKeys, flatten, parseMetricsText } from "./flatten.js";
export type { DiffEntry, DiffOptions, MetricsDiff, Snapshot } from "./diff.js";
export { diffSnapshots, diffValues, emptySnapshot, isFiniteNumber, roundDiff, sameValue } from "./diff.js";
export type { Declared, DeclaredParam, DeclaredPlot } from "./declared.js";
export { declaredOf, emptyDeclared, mergeDeclared } from "./declared.js";
export { readMetrics, readParams } from "./collect.js";
export type { TreeReader } from "./trees.js";
export { gitReader, WORKSPACE, workspaceReader } from "./trees.js";
export type { Aspect, Comparison, Side, StoredValues } from "./compare.js";
export { compare, comparedDeclared, revisionSide, snapshotOf, storedSide, workspaceSide } from "./compare.js";
