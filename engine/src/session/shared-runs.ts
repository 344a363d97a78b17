// `repro --pull`: the run cache a stage's turn consults falls back to a remote's (`runs/` there):
// on a local miss the remote entry is fetched with its objects (verified), kept locally, and
// handed to the decision marked with where it came from, so the run says `restored from remote`.
// The executor never learns that a remote exists: it sees one more run cache.
import type { Cache, RunEntry } from "../cache/index.js";
import type { CacheApi } from "../exec/context.js";
import { RemoteError, type RemoteBackend } from "../remote/backends/backend.js";
import { fetchRun } from "../remote/runs.js";

export interface SharedRuns {
  /** The remote's name, for messages. */
  readonly name: string;
  readonly backend: RemoteBackend;
  /** Object transfers at once while fetching an entry's outputs. */
  readonly jobs: number;
}

/** `cache`, whose run-cache misses are looked up on `shared` (a hit's entry carries `origin`). */
export function withSharedRuns(cache: Cache, shared: SharedRuns, warn: (message: string) => void): CacheApi {
  return {
    save: (rel, info) => cache.save(rel, info),
    has: (info) => cache.has(info),
    restoreChecked: (rel, info) => cache.restoreChecked(rel, info),
    unprotect: (rel) => cache.unprotect(rel),
    putRun: (fp, entry) => cache.putRun(fp, entry),
    async getRun(fp): Promise<RunEntry | null> {
      const local = await cache.getRun(fp);
      if (local !== null) return local;
      let fetched: RunEntry | null;
      try {
        fetched = await fetchRun(cache, shared.backend, fp, { jobs: shared.jobs }, warn);
      } catch (e) {
        // A remote that fails mid-run costs the lookup, never the run.
        if (!(e instanceof RemoteError)) throw e;
        warn(`${e.message}; running the stage instead of restoring it from remote '${shared.name}'`);
        return null;
      }
      return fetched === null ? null : { ...fetched, origin: `remote '${shared.name}'` };
    },
  };
}
