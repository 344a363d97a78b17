// Serialize and write pipeline.lock: deterministic (stages by name, items by path, keys sorted),
// atomic (temp file + rename in the same folder) and only when the content changed.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { writeTextAtomic } from "../hashing/index.js";
import { LOCK_FILE, cmp, type LockEntry, type LockFile, type LockItem } from "./types.js";

const sortKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== "object" || v === null) return v;
  const rec = v as Record<string, unknown>;
  return Object.fromEntries(Object.keys(rec).sort(cmp).map((k) => [k, sortKeys(rec[k])]));
};

const item = (i: LockItem): Record<string, unknown> => ({
  path: i.path,
  hash: i.hash,
  size: i.size,
  ...(i.nfiles !== undefined && { nfiles: i.nfiles }),
});

function entry(e: LockEntry): Record<string, unknown> {
  const out: Record<string, unknown> = { cmd: typeof e.cmd === "string" ? e.cmd : [...e.cmd] };
  if (e.deps.length > 0) out.deps = [...e.deps].sort((a, b) => cmp(a.path, b.path)).map(item);
  if (Object.keys(e.params).length > 0) out.params = sortKeys(e.params);
  if (e.outs.length > 0) out.outs = [...e.outs].sort((a, b) => cmp(a.path, b.path)).map(item);
  if (e.env && Object.keys(e.env).length > 0) out.env = sortKeys(e.env);
  return out;
}

/** The exact text of a lock file (pure). */
export function serializeLock(lock: LockFile): string {
  const stages: Record<string, unknown> = {};
  for (const name of Object.keys(lock.stages).sort(cmp)) stages[name] = entry(lock.stages[name] as LockEntry);
  return stringify({ schema: lock.schema, stages }, { indentSeq: false, lineWidth: 0, singleQuote: true });
}

/**
 * Write `<root>/pipeline.lock` when its content differs; returns whether it wrote. An empty lock
 * is not created where none exists.
 */
export async function writeLock(root: string, lock: LockFile, file: string = LOCK_FILE): Promise<boolean> {
  const path = join(root, file);
  const text = serializeLock(lock);
  const old = await fsp.readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return null;
    throw e;
  });
  if (old === text) return false;
  if (old === null && Object.keys(lock.stages).length === 0) return false;
  await writeTextAtomic(path, text);
  return true;
}
