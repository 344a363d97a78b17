// Which local objects have been read back and found to hash to their name: a stat cache of its
// own (hashing/state.ts, in `.cache/verified.json`), keyed by digest, so an object verified once is
// not re-hashed while its (ino, size, mtime) hold (DVC keeps such a state for its cache too).
import { statSync } from "node:fs";
import { digestFileAs, digestKind, nodeHashFs, type Digest } from "../hashing/index.js";
import { loadStatCache, type StatCache } from "../hashing/state.js";

export type ObjectCheck = "ok" | "missing" | "corrupt";

export interface VerifiedObjects {
  /** Does the object file at `path` hold bytes that hash to `digest`? */
  check(digest: Digest, path: string): Promise<ObjectCheck>;
  /** Forget a digest (its object was removed or moved aside). */
  forget(digest: Digest): void;
  /** Persist what was learnt (no-op when nothing was). */
  flush(): Promise<void>;
}

export function verifiedObjects(statePath: string): VerifiedObjects {
  let state: Promise<StatCache> | undefined;
  const load = (): Promise<StatCache> => (state ??= loadStatCache(nodeHashFs, statePath, { legacy: true }));
  return {
    async check(digest, path) {
      const known = await load();
      const st = statSync(path, { throwIfNoEntry: false });
      if (st === undefined || !st.isFile()) return "missing";
      const seen = known.get(digest);
      if (seen !== undefined && seen.ino === st.ino && seen.size === st.size && seen.mtimeMs === st.mtimeMs) return "ok";
      let actual: string;
      try {
        // Under the digest's own algorithm: an object of an older cache keeps its xxh64 name.
        actual = await digestFileAs(path, digestKind(digest), st.size);
      } catch {
        return "missing";
      }
      if (actual !== digest) return "corrupt";
      known.set(digest, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, digest });
      return "ok";
    },
    forget(digest) {
      void load().then((s) => s.delete(digest));
    },
    async flush() {
      if (state === undefined) return;
      try {
        await (await state).save();
      } catch {
        /* a shortcut only */
      }
    },
  };
}
