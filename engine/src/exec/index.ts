// The effectful executor: runs a plan against the workspace through an injectable context.
export type { ExecContext, LockStore, LockEntry, LockItem, CacheApi, RunEntry, RunOut, WorkspaceFs } from "./context.js";
export { runPlan, type RunResult } from "./run-plan.js";
export { runStage, stageEnv } from "./run-stage.js";
export { execaSpawner, type Spawner, type SpawnRequest, type SpawnResult } from "./spawn.js";
export { acquireProcessLock, processLockPath, type LockAttempt } from "./process-lock.js";
