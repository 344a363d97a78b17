// `status --cloud`: for each output and tracked path, whether its objects are on the remote and in
// the local cache, asked in one batch per side. A directory counts as present where its manifest
// and every one of its files are (its manifest is read from the local cache, else the remote).
import type { Cache } from "../cache/index.js";
import { isDirDigest, type Digest } from "../hashing/index.js";
import type { RemoteBackend } from "../remote/backends/backend.js";
import { objectKey } from "../remote/keys.js";
import type { TransferItem } from "../remote/wants.js";
import { manifestFetcher } from "../remote/manifests.js";

export interface CloudStatus {
  /** In the local cache, not on the remote: what `pipe push` sends. */
  readonly notOnRemote: readonly TransferItem[];
  /** On the remote, not in the local cache: what `pipe pull` brings. */
  readonly notLocal: readonly TransferItem[];
  /** In neither: a stage must run again to make it. */
  readonly nowhere: readonly TransferItem[];
  /** On both sides. */
  readonly inSync: number;
}

export async function cloudStatus(cache: Cache, remote: RemoteBackend, items: readonly TransferItem[]): Promise<CloudStatus> {
  // A manifest missing locally is read from the remote (and kept, verified), as a fetch would.
  const readManifest = manifestFetcher(cache, remote);
  const objectsOf = new Map<TransferItem, Digest[]>();
  for (const item of items) {
    if (!isDirDigest(item.digest)) {
      objectsOf.set(item, [item.digest]);
      continue;
    }
    const m = await readManifest(item.digest);
    objectsOf.set(item, typeof m === "string" ? [item.digest] : [item.digest, ...m.map((e) => e[1])]);
  }
  const all = [...new Set([...objectsOf.values()].flat())];
  const remoteHas = await remote.existsMany(all.map(objectKey));
  const localHas = new Set<Digest>();
  for (const d of all) if (await cache.objects.has(d)) localHas.add(d);
  const notOnRemote: TransferItem[] = [];
  const notLocal: TransferItem[] = [];
  const nowhere: TransferItem[] = [];
  let inSync = 0;
  for (const [item, digests] of objectsOf) {
    const onRemote = digests.every((d) => remoteHas.has(objectKey(d)));
    const local = digests.every((d) => localHas.has(d));
    if (onRemote && local) inSync++;
    else if (local) notOnRemote.push(item);
    else if (onRemote) notLocal.push(item);
    else nowhere.push(item);
  }
  return { notOnRemote, notLocal, nowhere, inSync };
}
