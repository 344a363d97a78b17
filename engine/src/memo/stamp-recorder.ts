// Records what a run looked at, for the up-to-date stamp: a HashFs wrapper that keeps the signature
// of every path the hasher stat'ed and of every folder it listed (stat'ed before the listing, so a
// change during the run shows as a newer signature next time). Then, at the end of a run that
// found everything up to date, `stampOf` adds the text files the verdict read and builds the stamp.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { FileStat, HashFs } from "../hashing/fs.js";
import { LOCK_FILE } from "../lock/types.js";
import { sameSig, statSig, type FreshStamp, type StampedOutcome, type StatFn, type StatSig } from "./fresh-stamp.js";

export interface StatRecorder {
  /** Give this to the hasher. */
  readonly fs: HashFs;
  /** Root-relative path → signature; null when a path changed or vanished while the run looked. */
  seen(): ReadonlyMap<string, StatSig> | null;
}

const sigOf = (st: FileStat): StatSig => [st.ino, st.size, st.mtimeMs];

export function recordStats(inner: HashFs, root: string): StatRecorder {
  const seen = new Map<string, StatSig>();
  let spoiled = false;
  const note = (abs: string, st: FileStat | null): void => {
    const rel = relative(root, abs);
    if (st === null) {
      spoiled = true;
      return;
    }
    const sig = sigOf(st);
    const before = seen.get(rel);
    if (before !== undefined && !sameSig(before, sig)) spoiled = true;
    seen.set(rel, sig);
  };
  return {
    fs: {
      ...inner,
      async stat(abs) {
        const st = await inner.stat(abs);
        note(abs, st);
        return st;
      },
      async readdir(abs) {
        note(abs, await inner.stat(abs));
        return inner.readdir(abs);
      },
    },
    seen: () => (spoiled ? null : seen),
  };
}

export interface StampInputs {
  readonly root: string;
  /** The pipeline file that was read. */
  readonly file: string;
  /** Text files the verdict was computed from (pipeline file, params files) with the text used. */
  readonly texts: ReadonlyMap<string, string>;
  /** pipeline.lock's signature, taken before it was read. */
  readonly lockSig: StatSig;
  readonly plan: readonly string[];
  readonly done: ReadonlyArray<readonly [string, StampedOutcome]>;
  readonly seen: ReadonlyMap<string, StatSig>;
}

/**
 * The stamp for a run that found everything up to date, or null when a text file changed since it
 * was read (then the signature would vouch for a text the verdict never saw). Each text file is
 * stat'ed, then read and compared, so its signature belongs to the text used.
 */
export function stampOf(inputs: StampInputs, stat: StatFn = statSig, read = (abs: string) => readFileSync(abs, "utf8")): FreshStamp | null {
  const all = new Map(inputs.seen);
  all.set(LOCK_FILE, inputs.lockSig);
  for (const [rel, text] of inputs.texts) {
    const abs = join(inputs.root, rel);
    const sig = stat(abs);
    if (sig === null) return null;
    try {
      if (read(abs) !== text) return null;
    } catch {
      return null;
    }
    all.set(rel, sig);
  }
  const paths = [...all.keys()].sort();
  return { file: inputs.file, plan: inputs.plan, done: inputs.done, paths, sigs: paths.map((p) => all.get(p) as StatSig) };
}
