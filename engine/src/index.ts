// pipe's engine, as a library: what the CLI, `exp run`, `watch`, the coming UI and a cluster
// driver call. Open a project (root, pipeline, graph: data or diagnostics), open its stores, plan
// a run, and run a session that takes the plan, an event sink, an abort signal, the environment,
// an optional experiment and an optional executor, and returns the result.
//
//   const project = await openProject(cwd);            // Result<Project, ProjectError>
//   const plan = planRun(project.value.graph, options);  // Plan | PlanError
//   const run = await runSession({ project: project.value, plan, sink, signal, env });
export * from "./session/index.js";
export { planRun, resolveTargets, plannedUpstream, type FailurePolicy, type Plan, type PlanError, type PlanOptions } from "./plan/index.js";
export type { EventSink, RunEvent, RunEventBody, SkipReason, StageFailure, StageOutcome, StageResult } from "./events/index.js";
export { fanOut, newRunId } from "./events/index.js";
export { localExecutor, execaSpawner, type RunResult, type StageExecutor, type StageJob, type Spawner } from "./exec/index.js";
export { EXECUTOR_NAMES, type ExecutorName } from "./exec/index.js";
export { processRunner, recoverStrayJobs, slurmExecutor, describeResources, resourceArgs, type SlurmResources, type SlurmRunner } from "./exec/slurm/index.js";
export { loadExecutorSettings, type ExecutorSettings } from "./session/slurm-settings.js";
export { resolveResources, type ResourceRule } from "./session/resources.js";
export type { Decision, StaleReason } from "./status/index.js";
export type { Diagnostic, DiagnosticCode } from "./diagnostics/index.js";
export type { ExperimentSpec } from "./exp/index.js";
export { findDataRoot } from "./session/root.js";
export {
  collectTracked,
  collectsFolder,
  listTrackingFiles,
  openDataProject,
  trackedChanges,
  trackedDigests,
  type DataProject,
  type DataProjectError,
  type DataProjectOptions,
  type TrackedChange,
  type TrackedChangeKind,
  type TrackedCollection,
  type TrackedData,
} from "./session/tracked.js";
export { addTracked, type AddOutcome, type AddRefusal, type Added } from "./tracked/index.js";
