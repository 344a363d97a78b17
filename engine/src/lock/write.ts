// Serialize and write pipeline.lock: deterministic (stages by name, items by path, keys sorted),
// atomic (temp file + rename in the same folder) and only when the content changed.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { writeTextAtomic } from "../files/atomic-write.js";
import { LOCK_FILE, cmp, type LockEntry, type LockFile, type LockItem } from "./types.js";

const sortKeys = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== "object" || v === null) return v;
  const rec = v as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(rec)
      .sort(cmp)
      .map((k) => [k, sortKeys(rec[k])]),
  );
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

/**
 * One stage's block, indented under `stages:`. Memoized per entry object: `withStage` keeps the
 * other entries' objects, so rewriting the lock after each stage re-serializes only that stage
 * (without this, a 1,000-stage run spends minutes re-stringifying the whole lock).
 */
const blocks = new WeakMap<LockEntry, Map<string, string>>();
function stageBlock(name: string, e: LockEntry): string {
  let byName: Map<string, string> | undefined = blocks.get(e);
  const hit = byName?.get(name);
  if (hit !== undefined) return hit;
  const text = stringify({ [name]: entry(e) }, { indentSeq: false, lineWidth: 0, singleQuote: true });
  const block = text.replace(/^(?=.)/gm, "  ");
  if (!byName) blocks.set(e, (byName = new Map<string, string>()));
  byName.set(name, block);
  return block;
}

/** The exact text of a lock file (pure). */
export function serializeLock(lock: LockFile): string {
  const names = Object.keys(lock.stages).sort(cmp);
  if (names.length === 0) return `schema: '${lock.schema}'\nstages: {}\n`;
  return `schema: '${lock.schema}'\nstages:\n${names.map((n) => stageBlock(n, lock.stages[n] as LockEntry)).join("")}`;
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
