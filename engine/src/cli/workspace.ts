// The effectful pieces a command needs over a project's workspace: the stat-cached hasher, the
// content-addressed cache and the recorded lock. One place builds them for every command.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCache, type Cache } from "../cache/index.js";
import { formatDiagnostics } from "../diagnostics/index.js";
import { createHasher, type Hasher } from "../hashing/index.js";
import { readLock, type LockFile } from "../lock/index.js";
import { ExitCode, UserError } from "./io.js";

export interface Workspace {
  readonly hasher: Hasher;
  readonly cache: Cache;
  readonly lock: LockFile;
}

export async function openWorkspace(root: string, onWarning: (message: string) => void = () => {}): Promise<Workspace> {
  const lock = await readLock(root);
  if (!lock.ok) {
    const file = lock.error.location?.file ?? "pipeline.lock";
    const sources = new Map<string, string>();
    try {
      sources.set(file, readFileSync(join(root, file), "utf8"));
    } catch {
      /* printed without the source line */
    }
    throw new UserError(formatDiagnostics([lock.error], sources).trimEnd(), ExitCode.badPipeline);
  }
  const hasher = createHasher({ root, statePath: join(root, ".cache", "state.json") });
  const cache = createCache({ root, hasher, onWarning });
  return { hasher, cache, lock: lock.value };
}
