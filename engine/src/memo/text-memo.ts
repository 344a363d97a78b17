// Memoized parses of text files (pipeline.yaml with its params files, pipeline.lock): the parsed
// value is kept in `.cache/memo/<name>.json` next to the digests of the texts it came from, so an
// unchanged project skips YAML parsing entirely (JSON.parse is ~100x faster than the positional
// YAML parse that diagnostics need). Best effort: any problem is a miss, never an error.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeTextAtomic } from "../files/atomic-write.js";
import { digestString } from "../hashing/index.js";

/** Bumped whenever the shape of a memoized value changes. */
const MEMO_VERSION = 1;

interface MemoFile<T> {
  readonly v: number;
  /** File path (root-relative) → digest (BLAKE3) of its text when the value was computed. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly value: T;
}

const memoPath = (root: string, name: string): string => join(root, ".cache", "memo", `${name}.json`);

/**
 * The memoized value when every input file still has the recorded text; `read` returns a file's
 * text (or null when missing). Also returns the texts read, for callers that need them.
 */
export function readMemo<T>(root: string, name: string, read: (rel: string) => string | null): { value: T; texts: Map<string, string> } | null {
  let memo: MemoFile<T>;
  try {
    memo = JSON.parse(readFileSync(memoPath(root, name), "utf8")) as MemoFile<T>;
  } catch {
    return null;
  }
  if (memo.v !== MEMO_VERSION || typeof memo.inputs !== "object" || memo.inputs === null) return null;
  const texts = new Map<string, string>();
  for (const [rel, digest] of Object.entries(memo.inputs)) {
    const text = read(rel);
    if (text === null || digestString(text) !== digest) return null;
    texts.set(rel, text);
  }
  return { value: memo.value, texts };
}

export async function writeMemo<T>(root: string, name: string, inputs: ReadonlyMap<string, string>, value: T): Promise<void> {
  const digests: Record<string, string> = {};
  for (const [rel, text] of inputs) digests[rel] = digestString(text);
  const memo: MemoFile<T> = { v: MEMO_VERSION, inputs: digests, value };
  try {
    mkdirSync(join(root, ".cache", "memo"), { recursive: true });
    await writeTextAtomic(memoPath(root, name), JSON.stringify(memo));
  } catch {
    /* a memo is an optimization only */
  }
}
