// push, fetch and pull as data in and data out: which items (session/remote-refs.ts), expanded to
// objects through the manifests (the local cache's, or for a fetch the remote's, verified on the
// way in), moved by remote/transfer.ts, and for a pull checked out into the workspace only when
// every object arrived. Run-cache entries follow their objects (remote/runs.ts).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { RelPath } from "../config/types.js";
import { describeRestoreProblem, type Cache } from "../cache/index.js";
import type { Digest, Hasher, HashInfo, Manifest } from "../hashing/index.js";
import { isDirDigest } from "../hashing/index.js";
import type { RemoteBackend } from "../remote/backends/backend.js";
import { localObjects } from "../remote/local.js";
import { manifestFetcher } from "../remote/manifests.js";
import { fetchObjects, pushObjects, type Problem, type Progress, type TransferResult } from "../remote/transfer.js";
import { expandWants, type TransferItem, type Wanted } from "../remote/wants.js";
import { fetchRunCache, pushRunCache, type RunCacheResult } from "../remote/runs.js";
import { collectTracked } from "./tracked.js";
import { trackedItems } from "./tracked-items.js";

export interface TransferRequest {
  readonly cache: Cache;
  readonly remote: RemoteBackend;
  readonly items: readonly TransferItem[];
  readonly jobs: number;
  /** Also move the run cache (entries and their objects). */
  readonly runCache: boolean;
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

export interface TransferSummary {
  readonly objects: TransferResult;
  readonly runs: RunCacheResult | null;
}

/** A local manifest, or why there is none (a push moves only what the cache holds). */
async function localManifest(cache: Cache, digest: Digest): Promise<Manifest | string> {
  return (await cache.readManifest(digest)) ?? `its directory manifest ${digest} is not in the local cache`;
}

export async function pushItems(req: TransferRequest): Promise<TransferSummary> {
  const local = localObjects(req.cache);
  const wanted = await expandWants(req.items, (d) => localManifest(req.cache, d));
  const opts = { jobs: req.jobs, ...(req.onProgress && { onProgress: req.onProgress }), ...(req.signal && { signal: req.signal }) };
  const objects = await pushObjects(local, req.remote, wanted, opts);
  const runs = req.runCache ? await pushRunCache(req.cache, req.remote, opts) : null;
  return { objects, runs };
}

export async function fetchItems(req: TransferRequest): Promise<TransferSummary> {
  const local = localObjects(req.cache);
  const wanted: Wanted = await expandWants(req.items, manifestFetcher(req.cache, req.remote));
  const opts = { jobs: req.jobs, ...(req.onProgress && { onProgress: req.onProgress }), ...(req.signal && { signal: req.signal }) };
  const objects = await fetchObjects(local, req.remote, wanted, opts);
  const runs = req.runCache ? await fetchRunCache(req.cache, req.remote, opts) : null;
  return { objects, runs };
}

/** One output a pull brings into the workspace. */
export interface CheckoutItem extends TransferItem {
  readonly path: RelPath;
  readonly nfiles?: number;
}

export interface CheckoutResult {
  readonly restored: readonly string[];
  readonly unchanged: number;
  readonly problems: readonly Problem[];
}

const infoOf = (i: CheckoutItem): HashInfo => ({
  digest: i.digest,
  size: i.size,
  isDir: isDirDigest(i.digest),
  ...(i.nfiles !== undefined ? { nfiles: i.nfiles } : {}),
});

/** Bring each item's recorded content into the workspace (unchanged paths are left alone). */
export async function checkoutItems(cache: Cache, hasher: Hasher, items: readonly CheckoutItem[]): Promise<CheckoutResult> {
  const restored: string[] = [];
  const problems: Problem[] = [];
  let unchanged = 0;
  for (const item of items) {
    const current = await hasher.hashPath(item.path);
    if (current?.digest === item.digest) {
      unchanged++;
      continue;
    }
    const problem = await cache.restoreChecked(item.path, infoOf(item));
    if (problem === null) restored.push(item.path);
    else problems.push({ want: { digest: item.digest, size: item.size, label: item.label }, why: describeRestoreProblem(item.path, problem) });
  }
  await hasher.flush();
  await cache.flush();
  return { restored, unchanged, problems };
}

/** `repro --pull`: the tracked data missing from the workspace, fetched and checked out before the run. */
export async function pullMissingTracked(
  root: string,
  stores: { readonly cache: Cache; readonly hasher: Hasher },
  remote: RemoteBackend,
  jobs: number,
): Promise<CheckoutResult & { readonly fetchProblems: readonly Problem[] }> {
  const missing = trackedItems((await collectTracked(root)).data).items.filter((i) => !existsSync(join(root, i.path)));
  if (missing.length === 0) return { restored: [], unchanged: 0, problems: [], fetchProblems: [] };
  const fetched = await fetchItems({ cache: stores.cache, remote, items: missing, jobs, runCache: false });
  const arrived: CheckoutItem[] = [];
  for (const i of missing) if (await stores.cache.has(infoOf(i))) arrived.push(i);
  const checkout = await checkoutItems(stores.cache, stores.hasher, arrived);
  return { ...checkout, fetchProblems: fetched.objects.problems };
}
