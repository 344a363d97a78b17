// Sessions: open a project and its stores, run a repro (or replay a still-valid up-to-date
// verdict, or predict one), as data in and data out. See ../index.ts for the public API.
export { findRoot } from "./root.js";
export { openProject, openProjectAt, type Project, type ProjectError } from "./project.js";
export { openStores, readLockMemo, type Stores, type StoresError, type StoresOptions } from "./stores.js";
export { runSession, type SessionError, type SessionRequest, type SessionResult } from "./run.js";
export { replayIfUpToDate, type Replayed, type ReplayRequest } from "./replay.js";
export { predictRun, type Prediction } from "./predict.js";
export { reproGuardPath, takeReproGuard } from "./repro-guard.js";
export { cwdPipeline, reproScope, reproTargets, type TargetRequest } from "./targets.js";
export { collectPipelines, type Collected } from "./collect.js";
