// The effectful executor: walks a plan against the workspace through an injectable context; how a
// stage's commands run is the context's StageExecutor (local processes by default).
export type { ExecContext, LockStore, LockEntry, LockItem, CacheApi, RunEntry, RunOut, WorkspaceFs } from "./context.js";
export { runPlan, type RunResult } from "./run-plan.js";
export { runStage, stageEnv, type RunSlot, type StageTurn, type TurnOptions } from "./run-stage.js";
export { EXECUTOR_NAMES, localExecutor, type ExecutorName, type StageExecutor, type StageJob } from "./executor.js";
export { decideWithRunCache, lookupRun, infoOf } from "./run-cache-lookup.js";
export { createLockStore } from "./lock-store.js";
export { execaSpawner, type Spawner, type SpawnRequest, type SpawnResult } from "./spawn.js";
