// An in-memory RemoteBackend for transfer tests: keys to bytes, with a log of every call, so a test
// can say how many round trips a push took and inject a failure on a key.
import { Readable } from "node:stream";
import { RemoteError, type RemoteBackend } from "../../src/remote/backends/backend.js";

export interface MemoryRemote extends RemoteBackend {
  readonly objects: Map<string, Buffer>;
  readonly calls: string[];
  /** Make the next operations on `key` fail with this error. */
  failOn(key: string, error: RemoteError): void;
}

export function memoryRemote(url = "mem://team"): MemoryRemote {
  const objects = new Map<string, Buffer>();
  const calls: string[] = [];
  const failures = new Map<string, RemoteError>();
  const fail = (key: string): void => {
    const e = failures.get(key);
    if (e !== undefined) throw e;
  };
  return {
    url,
    objects,
    calls,
    failOn: (key, error) => void failures.set(key, error),
    async *list(prefix) {
      calls.push(`list ${prefix}`);
      for (const k of objects.keys()) if (k.startsWith(prefix)) yield k;
    },
    async existsMany(keys) {
      calls.push(`existsMany ${keys.length}`);
      return new Set(keys.filter((k) => objects.has(k)));
    },
    async get(key) {
      calls.push(`get ${key}`);
      fail(key);
      const b = objects.get(key);
      if (b === undefined) throw new RemoteError("missing", `${key} is not on remote ${url}`, key);
      return Readable.from([b]);
    },
    async put(key, body) {
      calls.push(`put ${key}`);
      fail(key);
      const chunks: Buffer[] = [];
      for await (const c of body()) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
      objects.set(key, Buffer.concat(chunks));
    },
    async delete(key) {
      calls.push(`delete ${key}`);
      objects.delete(key);
    },
    async close() {},
  };
}
