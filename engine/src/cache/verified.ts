// Which local objects have been read back and found to hash to their name, kept in
// `.cache/verified.json` as digest → (ino, size, mtime), so an object verified once is not
// re-hashed while it is untouched (DVC keeps such a state for its cache too). Best effort: an
// unreadable state is an empty one, and an object that changed since is hashed again.
import { promises as fsp, statSync } from "node:fs";
import { writeTextAtomic } from "../files/atomic-write.js";
import { digestFileNode, type Digest } from "../hashing/index.js";

type Sig = readonly [ino: number, size: number, mtimeMs: number];

export type ObjectCheck = "ok" | "missing" | "corrupt";

export interface VerifiedObjects {
  /** Does the object file at `path` hold bytes that hash to `digest`? */
  check(digest: Digest, path: string): Promise<ObjectCheck>;
  /** Forget a digest (its object was removed or moved aside). */
  forget(digest: Digest): void;
  /** Persist what was learnt (no-op when nothing was). */
  flush(): Promise<void>;
}

const sigOf = (path: string): Sig | null => {
  const s = statSync(path, { throwIfNoEntry: false });
  return s === undefined || !s.isFile() ? null : [s.ino, s.size, s.mtimeMs];
};

export function verifiedObjects(statePath: string): VerifiedObjects {
  let state: Map<string, Sig> | null = null;
  let dirty = false;
  const load = async (): Promise<Map<string, Sig>> => {
    if (state !== null) return state;
    try {
      const raw = JSON.parse(await fsp.readFile(statePath, "utf8")) as { v?: number; objects?: Record<string, Sig> };
      state = new Map(raw.v === 1 && raw.objects ? Object.entries(raw.objects) : []);
    } catch {
      state = new Map();
    }
    return state;
  };
  return {
    async check(digest, path) {
      const known = await load();
      const sig = sigOf(path);
      if (sig === null) return "missing";
      const seen = known.get(digest);
      if (seen !== undefined && seen[0] === sig[0] && seen[1] === sig[1] && seen[2] === sig[2]) return "ok";
      let actual: Digest;
      try {
        actual = await digestFileNode(path, sig[1]);
      } catch {
        return "missing";
      }
      if (actual !== digest) return "corrupt";
      known.set(digest, sig);
      dirty = true;
      return "ok";
    },
    forget(digest) {
      if (state?.delete(digest)) dirty = true;
    },
    async flush() {
      if (!dirty || state === null) return;
      dirty = false;
      try {
        await writeTextAtomic(statePath, JSON.stringify({ v: 1, objects: Object.fromEntries(state) }));
      } catch {
        /* a shortcut only */
      }
    },
  };
}
