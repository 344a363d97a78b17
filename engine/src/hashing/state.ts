// The stat cache (DVC's "state"): remembers each file's digest keyed by (ino, size, mtimeMs) so an
// unchanged file is never re-read. Loaded once, saved once (atomically) by the hasher's flush().
//
// Racy-clean caveat (git's "racy git" problem): a file rewritten with the same size within the
// file system's mtime granularity right after it was hashed keeps (ino, size, mtimeMs) and would
// be reported unchanged. ext4/xfs/btrfs/apfs timestamps are fine-grained (a kernel tick, ~1-4 ms)
// so this needs a same-size rewrite within a few ms of hashing; we accept that and do not re-verify
// recently-modified entries. Coarse file systems (FAT: 2 s, HFS+: 1 s) widen the window.
import type { HashFs } from "./fs.js";
import { digestKind, isDigest, type Digest } from "./digest.js";

export interface StatEntry {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly digest: Digest;
}

/**
 * 2: digests are BLAKE3. A version-1 file (xxh64 digests) is read as empty, so every file is
 * re-hashed once; an entry with a legacy digest is a miss anyway (see `StateOptions`).
 */
const VERSION = 2;

interface StateFile {
  readonly version: typeof VERSION;
  readonly entries: Record<string, StatEntry>;
}

export interface StatCache {
  get(key: string): StatEntry | undefined;
  set(key: string, entry: StatEntry): void;
  delete(key: string): void;
  readonly size: number;
  /** Persist if anything changed since load; a no-op otherwise. */
  save(): Promise<void>;
}

export interface StateOptions {
  /**
   * Keep entries whose digest is of the legacy xxh64 form. Off for the workspace's stat cache (a
   * file must be known by its BLAKE3 name: a legacy entry is a miss and the file is re-hashed);
   * on for the verified-objects state, where a legacy object was checked under its legacy name.
   */
  readonly legacy?: boolean;
}

function validEntry(v: unknown, legacy: boolean): v is StatEntry {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Record<string, unknown>;
  if (typeof e.ino !== "number" || typeof e.size !== "number" || typeof e.mtimeMs !== "number" || !isDigest(e.digest)) return false;
  return legacy || digestKind(e.digest) === "blake3";
}

/** Parse a state file's text; anything malformed yields an empty cache (it is only an optimisation). */
export function parseState(text: string | null, opts: StateOptions = {}): Map<string, StatEntry> {
  const map = new Map<string, StatEntry>();
  if (text === null) return map;
  try {
    const raw = JSON.parse(text) as Partial<StateFile> | null;
    if (raw?.version !== VERSION || typeof raw.entries !== "object" || raw.entries === null) return map;
    for (const [k, v] of Object.entries(raw.entries)) if (validEntry(v, opts.legacy ?? false)) map.set(k, v);
  } catch {
    // corrupt state: start empty
  }
  return map;
}

export async function loadStatCache(fs: HashFs, statePath: string, opts: StateOptions = {}): Promise<StatCache> {
  const map = parseState(await fs.readText(statePath), opts);
  let dirty = false;
  return {
    get: (k) => map.get(k),
    set(k, e) {
      const old = map.get(k);
      if (old && old.ino === e.ino && old.size === e.size && old.mtimeMs === e.mtimeMs && old.digest === e.digest) return;
      map.set(k, e);
      dirty = true;
    },
    delete(k) {
      if (map.delete(k)) dirty = true;
    },
    get size() {
      return map.size;
    },
    async save() {
      if (!dirty) return;
      const entries: Record<string, StatEntry> = {};
      for (const k of [...map.keys()].sort()) entries[k] = map.get(k)!;
      const file: StateFile = { version: VERSION, entries };
      await fs.writeTextAtomic(statePath, JSON.stringify(file));
      dirty = false;
    },
  };
}

/** A stat cache that lives only in memory (saved nowhere): for hashers that must not share one. */
export function memoryStatCache(): StatCache {
  const map = new Map<string, StatEntry>();
  return {
    get: (k) => map.get(k),
    set: (k, e) => void map.set(k, e),
    delete: (k) => void map.delete(k),
    get size() {
      return map.size;
    },
    save: async () => undefined,
  };
}
