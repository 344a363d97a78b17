// The executor's view of pipeline.lock: held in memory, and written atomically after every stage
// that succeeded (writes are serialized, so parallel stages never lose each other's record).
import type { StageName } from "../config/types.js";
import type { LockEntry, LockFile } from "../lock/index.js";
import { withStage } from "../lock/types.js";
import type { LockStore } from "./context.js";

/** The YAML writer is loaded on the first write only: a no-op repro never pays for `yaml`. */
const writeLock = async (root: string, lock: LockFile): Promise<boolean> => (await import("../lock/write.js")).writeLock(root, lock);

export function createLockStore(root: string, initial: LockFile, write = writeLock): LockStore & { current(): LockFile } {
  let lock = initial;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    get: (name: StageName) => lock.stages[name],
    set: (name: StageName, entry: LockEntry) => {
      lock = withStage(lock, name, entry);
      const snapshot = lock;
      const next = queue.then(() => write(root, snapshot));
      queue = next.catch(() => undefined);
      return next.then(() => undefined);
    },
    current: () => lock,
  };
}
