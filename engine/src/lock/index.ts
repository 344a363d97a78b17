// pipeline.lock: the committed record of what each stage last ran with and produced.
export type { LockEntry, LockFile, LockItem } from "./types.js";
export { LOCK_FILE, LOCK_SCHEMA, emptyLock, globDepItems, lockItem, withStage, withoutStage } from "./types.js";
export { parseLock, readLock } from "./read.js";
export { serializeLock, writeLock } from "./write.js";
export { addressed, isSubPipeline, lockPathOf, pipelineOfAddress, splitLock, stageAddress } from "./address.js";
