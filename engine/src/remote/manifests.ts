// Reading small things off a remote: a body as text, and a directory manifest, taken from the
// local cache when there, else fetched, verified against its name and kept in the cache.
import type { Readable } from "node:stream";
import type { Cache } from "../cache/index.js";
import type { Digest, Manifest } from "../hashing/index.js";
import { RemoteError, type RemoteBackend } from "./backends/backend.js";
import { objectKey } from "./keys.js";
import { localObjects } from "./local.js";

export async function bodyText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString("utf8");
}

/** A manifest reader for expandWants: the local one, else the remote's (verified, then kept); a string says why none. */
export function manifestFetcher(cache: Cache, remote: RemoteBackend): (d: Digest) => Promise<Manifest | string> {
  const local = localObjects(cache);
  return async (d) => {
    const have = await cache.readManifest(d);
    if (have !== null) return have;
    let body: Readable;
    try {
      body = await remote.get(objectKey(d));
    } catch (e) {
      if (e instanceof RemoteError && e.kind === "missing") return `object ${d} is not on remote ${remote.url}`;
      throw e;
    }
    if ((await local.receive(d, body, () => undefined)) === "corrupt")
      return `object ${d} on remote ${remote.url} is corrupt: its bytes do not hash to its name`;
    return (await cache.readManifest(d)) ?? `object ${d} on remote ${remote.url} is not a directory manifest`;
  };
}
