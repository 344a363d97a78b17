// Moving objects between the local cache and a remote: only what the other side lacks (existence
// asked in one batch per side), `jobs` transfers at once, files before manifests. An object enters
// the local cache only after its bytes hash to its name (LocalObjects.receive); a remote shows an
// object only once complete (RemoteBackend.put). A fatal remote error (unreachable, refused
// credentials, no bucket) stops the transfer and is thrown; a missing object is collected.
import type { Readable } from "node:stream";
import { mapLimit } from "../common/limit.js";
import type { Digest } from "../hashing/index.js";
import { RemoteError, type RemoteBackend } from "./backends/backend.js";
import { objectKey } from "./keys.js";
import type { Want, Wanted } from "./wants.js";

export interface Progress {
  readonly files: number;
  readonly filesTotal: number;
  readonly bytes: number;
  readonly bytesTotal: number;
}

export interface TransferOptions {
  readonly jobs: number;
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

/** The local cache as a transfer sees it (remote/local.ts builds one over `.cache/`). */
export interface LocalObjects {
  has(digest: Digest): Promise<boolean>;
  /** Read the object back before it leaves: a corrupt local object is never pushed. */
  check(digest: Digest): Promise<"ok" | "missing" | "corrupt">;
  size(digest: Digest): Promise<number | null>;
  read(digest: Digest): Readable;
  /** Stage `body`, hash it while writing, and keep it only when it hashes to `digest`. */
  receive(digest: Digest, body: Readable, onBytes: (n: number) => void): Promise<"ok" | "corrupt">;
}

export interface Problem {
  readonly want: Want;
  readonly why: string;
}

export interface TransferResult {
  /** Objects that moved. */
  readonly moved: readonly Want[];
  readonly bytes: number;
  /** Objects the destination already held. */
  readonly present: number;
  /** Objects that could not move (not in the local cache for a push; not on the remote, or corrupt there, for a fetch). */
  readonly problems: readonly Problem[];
}

/** Run `task` over `items` with at most `jobs` in flight; the first thrown error stops new tasks and is rethrown. */
async function pool<T>(items: readonly T[], jobs: number, signal: AbortSignal | undefined, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { e: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failed === null && next < items.length && !signal?.aborted) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (e) {
        failed ??= { e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  if (failed !== null) throw (failed as { e: unknown }).e;
}

function progressOf(total: { files: number; bytes: number }, opts: TransferOptions): { add(files: number, bytes: number): void } {
  let files = 0;
  let bytes = 0;
  opts.onProgress?.({ files, filesTotal: total.files, bytes, bytesTotal: total.bytes });
  return {
    add(f, b) {
      files += f;
      bytes += b;
      opts.onProgress?.({ files, filesTotal: total.files, bytes, bytesTotal: total.bytes });
    },
  };
}

/** Upload what the remote lacks: file objects, then manifests. */
export async function pushObjects(local: LocalObjects, remote: RemoteBackend, wanted: Wanted, opts: TransferOptions): Promise<TransferResult> {
  const problems: Problem[] = wanted.unreadable.map((u) => ({ want: u.want, why: u.why }));
  const all = [...wanted.files, ...wanted.manifests];
  const onRemote = await remote.existsMany(all.map((w) => objectKey(w.digest)));
  const todo = all.filter((w) => !onRemote.has(objectKey(w.digest)));
  const sized: { want: Want; size: number }[] = [];
  const sizes = await mapLimit(todo, 64, (w) => local.size(w.digest));
  todo.forEach((want, i) => {
    const size = sizes[i] ?? null;
    if (size === null) problems.push({ want, why: "not in the local cache" });
    else sized.push({ want, size });
  });
  const progress = progressOf({ files: sized.length, bytes: sized.reduce((n, s) => n + s.size, 0) }, opts);
  const moved: Want[] = [];
  let bytes = 0;
  const send = async ({ want, size }: { want: Want; size: number }): Promise<void> => {
    const check = await local.check(want.digest);
    if (check !== "ok") {
      problems.push({ want, why: check === "corrupt" ? "its local object is corrupt (run 'pipe cache verify --repair')" : "not in the local cache" });
      progress.add(1, size);
      return;
    }
    await remote.put(objectKey(want.digest), () => local.read(want.digest), size);
    moved.push(want);
    bytes += size;
    progress.add(1, size);
  };
  const isFile = (s: { want: Want }): boolean => s.want.members === undefined;
  await pool(sized.filter(isFile), opts.jobs, opts.signal, send);
  // A manifest goes up only once every file of its directory is there.
  const failed = new Set(problems.map((p) => p.want.digest));
  const ready: typeof sized = [];
  for (const m of sized.filter((s) => !isFile(s))) {
    if ((m.want.members ?? []).some((d) => failed.has(d))) problems.push({ want: m.want, why: "some of its files could not be pushed" });
    else ready.push(m);
  }
  await pool(ready, opts.jobs, opts.signal, send);
  return { moved, bytes, present: all.length - todo.length, problems };
}

/** Download what the local cache lacks, each object verified before it is kept. */
export async function fetchObjects(local: LocalObjects, remote: RemoteBackend, wanted: Wanted, opts: TransferOptions): Promise<TransferResult> {
  const problems: Problem[] = wanted.unreadable.map((u) => ({ want: u.want, why: u.why }));
  const all = [...wanted.files, ...wanted.manifests];
  // One stat each, many at once (10,000 in sequence would be the slowest part of a no-op fetch).
  const here = await mapLimit(all, 64, (w) => local.has(w.digest));
  const todo = all.filter((_, i) => !here[i]);
  const progress = progressOf({ files: todo.length, bytes: todo.reduce((n, w) => n + (w.size ?? 0), 0) }, opts);
  const moved: Want[] = [];
  let bytes = 0;
  await pool(todo, opts.jobs, opts.signal, async (want) => {
    let body: Readable;
    try {
      body = await remote.get(objectKey(want.digest));
    } catch (e) {
      if (e instanceof RemoteError && e.kind === "missing") {
        problems.push({ want, why: `object ${want.digest} is not on remote ${remote.url}` });
        progress.add(1, want.size ?? 0);
        return;
      }
      throw e;
    }
    let n = 0;
    const result = await local.receive(want.digest, body, (b) => {
      n += b;
      progress.add(0, want.size === null ? 0 : b);
    });
    if (result === "corrupt") problems.push({ want, why: `object ${want.digest} on remote ${remote.url} is corrupt: its bytes do not hash to its name` });
    else moved.push(want);
    bytes += n;
    progress.add(1, 0);
  });
  return { moved, bytes, present: all.length - todo.length, problems };
}
