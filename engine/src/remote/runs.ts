// The shared run cache: `runs/<fingerprint>.json` on a remote, the same entries as `.cache/runs/`.
// An entry goes up only after every object it names is there, and comes down only once its objects
// have been fetched and verified, so a run-cache hit on either side can always be restored.
import { promises as fsp } from "node:fs";
import { Readable } from "node:stream";
import { parseRunEntry, type Cache, type RunEntry } from "../cache/index.js";
import type { Digest } from "../hashing/index.js";
import { RemoteError, type RemoteBackend } from "./backends/backend.js";
import { fingerprintOfKey, runKey } from "./keys.js";
import { localObjects } from "./local.js";
import { bodyText, manifestFetcher } from "./manifests.js";
import { fetchObjects, pushObjects, type Problem, type TransferOptions } from "./transfer.js";
import { expandWants, type TransferItem } from "./wants.js";

export interface RunCacheResult {
  /** Entries that moved. */
  readonly moved: number;
  /** Entries the destination already held. */
  readonly present: number;
  readonly problems: readonly Problem[];
}

const itemsOf = (fp: string, entry: RunEntry): TransferItem[] =>
  entry.outs.map((o) => ({ digest: o.digest, size: o.size, label: `${o.path} (run cache ${fp.slice(0, 8)})` }));

async function localRuns(cache: Cache): Promise<Map<string, RunEntry>> {
  const runs = new Map<string, RunEntry>();
  for (const name of await fsp.readdir(cache.layout.runs).catch(() => [] as string[])) {
    const fp = fingerprintOfKey(`runs/${name}`);
    if (fp === null) continue;
    const entry = await cache.getRun(fp);
    if (entry !== null) runs.set(fp, entry);
  }
  return runs;
}

/** Upload every local entry the remote lacks, after its objects. */
export async function pushRunCache(cache: Cache, remote: RemoteBackend, opts: TransferOptions): Promise<RunCacheResult> {
  const runs = await localRuns(cache);
  const onRemote = await remote.existsMany([...runs.keys()].map(runKey));
  const todo = [...runs].filter(([fp]) => !onRemote.has(runKey(fp)));
  // Every entry's objects in one transfer (one existence batch); then each entry whose objects all made it.
  const items = todo.flatMap(([fp, entry]) => itemsOf(fp, entry));
  const wanted = await expandWants(items, async (d) => (await cache.readManifest(d)) ?? `manifest ${d} is not in the local cache`);
  const objects = await pushObjects(localObjects(cache), remote, wanted, { ...opts, onProgress: () => undefined });
  // A directory whose file failed has its manifest among the problems too (pushObjects holds it back).
  const failed = new Set<string>(objects.problems.map((p) => p.want.digest));
  let moved = 0;
  for (const [fp, entry] of todo) {
    if (entry.outs.some((o) => failed.has(o.digest))) continue;
    const text = `${JSON.stringify(entry, null, 2)}\n`;
    await remote.put(runKey(fp), () => Readable.from([Buffer.from(text)]), Buffer.byteLength(text));
    moved++;
  }
  const problems = objects.problems;
  return { moved, present: runs.size - todo.length, problems };
}

/**
 * One remote entry by fingerprint, its objects fetched into the local cache and the entry written
 * there too; null when the remote has no usable entry. Problems (a missing object) are reported.
 */
export async function fetchRun(cache: Cache, remote: RemoteBackend, fp: string, opts: TransferOptions, warn: (m: string) => void): Promise<RunEntry | null> {
  let text: string;
  try {
    text = await bodyText(await remote.get(runKey(fp)));
  } catch (e) {
    if (e instanceof RemoteError && e.kind === "missing") return null;
    throw e;
  }
  const entry = parseRunEntry(text);
  if (typeof entry === "string") {
    warn(`corrupt run-cache entry ${runKey(fp)} on remote ${remote.url}: ${entry}; treating as a miss`);
    return null;
  }
  const wanted = await expandWants(itemsOf(fp, entry), manifestFetcher(cache, remote));
  const objects = await fetchObjects(localObjects(cache), remote, wanted, opts);
  if (objects.problems.length > 0) {
    for (const p of objects.problems) warn(`run-cache entry ${fp.slice(0, 8)} on remote ${remote.url}: ${p.want.label}: ${p.why}; treating as a miss`);
    return null;
  }
  await cache.putRun(fp, entry);
  return entry;
}

/** Download every remote entry the local cache lacks, with its objects. */
export async function fetchRunCache(cache: Cache, remote: RemoteBackend, opts: TransferOptions): Promise<RunCacheResult> {
  const keys: string[] = [];
  for await (const key of remote.list("runs/")) keys.push(key);
  let present = 0;
  let moved = 0;
  const problems: Problem[] = [];
  for (const key of keys) {
    const fp = fingerprintOfKey(key);
    if (fp === null) continue;
    if ((await cache.getRun(fp)) !== null) {
      present++;
      continue;
    }
    const got = await fetchRun(cache, remote, fp, { ...opts, onProgress: () => undefined }, (m) =>
      problems.push({ want: { digest: fp as Digest, size: 0, label: `run cache ${fp.slice(0, 8)}` }, why: m }),
    );
    if (got !== null) moved++;
  }
  return { moved, present, problems };
}
