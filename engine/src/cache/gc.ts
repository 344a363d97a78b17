// Garbage collection of the store: remove objects nobody references any more.
//
// Policy: `keep` lists the digests to keep; keeping a `.dir` digest keeps its manifest's files.
// A run-cache entry is removed when any of its outs would no longer be fully present (a run hit
// that cannot be restored is useless), and so is an unreadable one. Stale tmp/ files (older than
// an hour, i.e. not an in-flight write) go too. Names in `removed` are relative to `.cache/`.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { isDigest, type Digest, type Manifest } from "../hashing/index.js";
import type { CacheLayout } from "./layout.js";
import { parseRunEntry } from "./runs.js";

export interface GcOptions {
  /** Report what would be removed without removing it. */
  readonly dry?: boolean;
}

export interface GcResult {
  /** `objects/ab/cdef…`, `runs/<fp>.json`, `tmp/<name>`, sorted. */
  readonly removed: string[];
  /** Bytes freed (or that would be freed) by object and tmp removals. */
  readonly bytes: number;
}

const TMP_MAX_AGE_MS = 60 * 60 * 1000;

const listDir = async (p: string): Promise<string[]> => fsp.readdir(p).catch(() => []);

export async function collectGarbage(
  layout: CacheLayout,
  keep: ReadonlySet<Digest>,
  readManifest: (d: Digest) => Promise<Manifest | null>,
  opts: GcOptions = {},
): Promise<GcResult> {
  const kept = new Set<string>(keep);
  for (const d of keep) {
    if (!d.endsWith(".dir")) continue;
    for (const [, fd] of (await readManifest(d)) ?? []) kept.add(fd);
  }
  const removed: string[] = [];
  let bytes = 0;
  const drop = async (abs: string, rel: string, size: number): Promise<void> => {
    removed.push(rel);
    bytes += size;
    if (!opts.dry) await fsp.rm(abs, { recursive: true, force: true });
  };

  for (const prefix of await listDir(layout.objects)) {
    const dir = join(layout.objects, prefix);
    let left = 0;
    for (const rest of await listDir(dir)) {
      const digest = prefix + rest;
      if (isDigest(digest) && kept.has(digest)) {
        left++;
        continue;
      }
      const st = await fsp.stat(join(dir, rest)).catch(() => null);
      await drop(join(dir, rest), `objects/${prefix}/${rest}`, st?.size ?? 0);
    }
    if (left === 0 && !opts.dry) await fsp.rmdir(dir).catch(() => undefined);
  }

  for (const name of await listDir(layout.runs)) {
    const file = join(layout.runs, name);
    const text = await fsp.readFile(file, "utf8").catch(() => "");
    const entry = name.endsWith(".json") ? parseRunEntry(text) : "not a run entry";
    if (typeof entry === "string" || !entry.outs.every((o) => kept.has(o.digest))) {
      await drop(file, `runs/${name}`, 0);
    }
  }

  const now = Date.now();
  for (const name of await listDir(layout.tmp)) {
    const st = await fsp.stat(join(layout.tmp, name)).catch(() => null);
    if (st && now - st.mtimeMs > TMP_MAX_AGE_MS) await drop(join(layout.tmp, name), `tmp/${name}`, st.size);
  }
  removed.sort();
  return { removed, bytes };
}
