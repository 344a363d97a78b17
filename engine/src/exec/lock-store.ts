// The executor's view of pipeline.lock: held in memory, and written atomically after every stage
// that succeeded (writes are serialized, so parallel stages never lose each other's record).
import type { StageName } from "../config/types.js";
import { withStage, writeLock, type LockEntry, type LockFile } from "../lock/index.js";
import type { LockStore, LockedStage } from "./context.js";

export function createLockStore(root: string, initial: LockFile, write = writeLock): LockStore & { current(): LockFile } {
  let lock = initial;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    get: (name: StageName) => lock.stages[name] as LockedStage | undefined,
    set: (name: StageName, entry: LockedStage) => {
      lock = withStage(lock, name, { params: {}, ...entry } as LockEntry);
      const snapshot = lock;
      const next = queue.then(() => write(root, snapshot));
      queue = next.catch(() => undefined);
      return next.then(() => undefined);
    },
    current: () => lock,
  };
}
