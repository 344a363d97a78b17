// What pipeline.lock recorded for a stage, in today's digests ("read the old form, write the new"),
// before the pure `decide` compares it with the workspace:
// - an entry whose items hold legacy 16-hex xxh64 digests: each such item whose path still holds
//   what that digest named (the workspace hashed once more, by xxh64) takes today's BLAKE3 digest
//   of the path; an item whose content changed keeps its legacy digest, so decide calls it modified;
// - no entry at all: the stage as the project's dvc.lock recorded it (dvc/), each item that still
//   matches its md5 taking today's digest the same way.
// When such a stage is fresh, the caller rewrites its entry with BLAKE3 digests (`from` says why).
import type { Stage } from "../config/types.js";
import { digestKind, globInfo, type Digest, type HashInfo, type Hasher } from "../hashing/index.js";
import { createHasher } from "../hashing/hasher.js";
import type { LockEntry, LockItem } from "../lock/types.js";
import { openDvcLocks, type DvcItem, type DvcLocks } from "../dvc/index.js";
import type { RecordedStage } from "./decide.js";
import { fastGlobExpander, type GlobExpander, type Observation } from "./observe.js";

/** Where a translated record came from; null when pipeline.lock's entry was used as it is (or there is none). */
export type RecalledFrom = "legacy-lock" | "dvc-lock";

export interface Recalled {
  readonly recorded: RecordedStage | undefined;
  readonly from: RecalledFrom | null;
}

/** The effects recall needs, injectable for tests. */
export interface RecallSources {
  /** The legacy xxh64 digest of what `path` holds now (a glob dep: of its matches); null when missing. */
  legacyDigest(path: string, glob: boolean): Promise<string | null>;
  readonly dvc: DvcLocks;
}

export type Recall = (stage: Stage, obs: Observation, entry: LockEntry | undefined) => Promise<Recalled>;

const isLegacy = (i: { readonly hash: string }): boolean => digestKind(i.hash as Digest) === "xxh64";

/** Does this entry hold any legacy digest (and so need translating)? A string-length check per item. */
export const hasLegacyItems = (e: LockEntry): boolean => e.deps.some(isLegacy) || e.outs.some(isLegacy);

/**
 * Pure: `items` with each one that `same` vouches for (its recorded content is what the path holds
 * now) carrying the path's digest observed now. Other items are kept as recorded.
 */
export function translateItems(
  items: readonly { readonly path: string; readonly hash: string }[],
  now: ReadonlyMap<string, HashInfo | null>,
  same: ReadonlySet<string>,
): { path: string; hash: string }[] {
  return items.map((i) => {
    const info = now.get(i.path);
    return same.has(i.path) && info !== undefined && info !== null ? { path: i.path, hash: info.digest } : { path: i.path, hash: i.hash };
  });
}

/** pipeline.lock's entry with its legacy items translated where the workspace still matches them. */
async function fromLegacy(stage: Stage, obs: Observation, entry: LockEntry, sources: RecallSources): Promise<RecordedStage> {
  const globs = new Set(stage.deps.filter((d) => d.glob).map((d) => d.path as string));
  const check = async (list: readonly LockItem[], now: ReadonlyMap<string, HashInfo | null>): Promise<Set<string>> => {
    const same = new Set<string>();
    for (const i of list) {
      if (!isLegacy(i) || (now.get(i.path) ?? null) === null) continue;
      if ((await sources.legacyDigest(i.path, globs.has(i.path))) === i.hash) same.add(i.path);
    }
    return same;
  };
  const [deps, outs] = await Promise.all([check(entry.deps, obs.deps), check(entry.outs, obs.outs)]);
  return { ...entry, deps: translateItems(entry.deps, obs.deps, deps), outs: translateItems(entry.outs, obs.outs, outs) };
}

/** dvc.lock's entry for the stage, its matching items in today's digests; null when DVC recorded none. */
async function fromDvc(stage: Stage, obs: Observation, dvc: DvcLocks): Promise<RecordedStage | null> {
  const rec = await dvc.stage(stage.name, stage.wdir);
  if (rec === null) return null;
  const check = async (list: readonly DvcItem[], now: ReadonlyMap<string, HashInfo | null>): Promise<Set<string>> => {
    const same = new Set<string>();
    // Only items pipe looks at too: an extra one makes the stage stale whatever it holds.
    for (const i of list) if ((now.get(i.path) ?? null) !== null && (await dvc.matches(i))) same.add(i.path);
    return same;
  };
  const [deps, outs] = await Promise.all([check(rec.deps, obs.deps), check(rec.outs, obs.outs)]);
  // An unmatched item keeps DVC's md5 (never equal to a digest of pipe's), so decide reports it.
  const recorded = (list: readonly DvcItem[]) => list.map((i) => ({ path: i.path, hash: `md5:${i.md5 ?? "?"}` }));
  return {
    cmd: rec.cmd,
    params: rec.params,
    deps: translateItems(recorded(rec.deps), obs.deps, deps),
    outs: translateItems(recorded(rec.outs), obs.outs, outs),
  };
}

/** The record `decide` should judge a stage against (see the file comment). */
export async function recall(stage: Stage, obs: Observation, entry: LockEntry | undefined, sources: RecallSources): Promise<Recalled> {
  if (entry !== undefined) {
    if (!hasLegacyItems(entry)) return { recorded: entry, from: null };
    return { recorded: await fromLegacy(stage, obs, entry, sources), from: "legacy-lock" };
  }
  const dvc = await fromDvc(stage, obs, sources.dvc);
  return dvc === null ? { recorded: undefined, from: null } : { recorded: dvc, from: "dvc-lock" };
}

/** The legacy names of workspace paths: an xxh64 hasher with no stat cache (each path is read once per command). */
function legacyNames(root: string, expand: GlobExpander): RecallSources["legacyDigest"] {
  let hasher: Hasher | undefined;
  const h = (): Hasher => (hasher ??= createHasher({ root, statePath: "", algorithm: "xxh64" }));
  return async (path, glob) => {
    if (!glob) return (await h().hashPath(path as never))?.digest ?? null;
    const files = await expand(path, root);
    const matches = await Promise.all(files.map(async (p) => ({ path: p, info: await h().hashPath(p as never) })));
    return globInfo(
      matches.filter((m): m is { path: string; info: HashInfo } => m.info !== null),
      "xxh64",
    ).digest;
  };
}

/** A recall over the project at `root` (its sources opened lazily, and only when an entry needs them). */
export function createRecall(root: string, expand: GlobExpander = fastGlobExpander): Recall {
  let sources: RecallSources | undefined;
  const open = (): RecallSources => (sources ??= { legacyDigest: legacyNames(root, expand), dvc: openDvcLocks(root) });
  return (stage, obs, entry) =>
    entry !== undefined && !hasLegacyItems(entry) ? Promise.resolve({ recorded: entry, from: null }) : recall(stage, obs, entry, open());
}
