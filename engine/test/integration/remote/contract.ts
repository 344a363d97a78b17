// The contract every remote backend keeps, run by dir/s3/ssh.test.ts against real storage (a temp
// folder, s3rver, Debian's sshd on 127.0.0.1). What push and pull rely on: whole objects only,
// listing and batched existence, and one-line errors of the right kind that name the remote.
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RemoteBackend, RemoteSettings } from "../../../src/remote/backends/index.js";
import { openBackend, RemoteError } from "../../../src/remote/backends/index.js";

/** How one backend is set up for the contract, and how to make each of its failures. */
export interface Target {
  /** A working remote (its root exists and is empty). */
  good(): RemoteSettings;
  /** The same storage at a closed port (a folder has none), a wrong credential, a root that is not there. */
  unreachable?(): RemoteSettings;
  badAuth?(): RemoteSettings;
  noRoot(): RemoteSettings;
  /** Secrets the settings carry, none of which may appear in a message. */
  secrets: readonly string[];
  /** Size of a body large enough to take the backend's large-object path. */
  largeSize: number;
  /** The environment the backend sees (default: this process's). */
  env?: Record<string, string | undefined>;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listAll(backend: RemoteBackend, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of backend.list(prefix)) keys.push(key);
  return keys.sort();
}

function bodyOf(bytes: Buffer): () => Readable {
  return () => Readable.from([bytes]);
}

/** A body that yields some bytes and then fails, as a source read from a dying disk would. */
function failingBody(): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(randomBytes(1024));
      } else this.destroy(new Error("source read failed"));
    },
  });
}

async function errorOf(promise: Promise<unknown>): Promise<RemoteError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(RemoteError);
    return err as RemoteError;
  }
  throw new Error("expected a RemoteError, got success");
}

function expectOneLine(err: RemoteError, settings: RemoteSettings, secrets: readonly string[]): void {
  expect(err.message).not.toMatch(/[\r\n]/);
  expect(err.message).toContain(`"${settings.name}"`);
  for (const secret of secrets) expect(err.message).not.toContain(secret);
}

export function contract(name: string, target: () => Target): void {
  describe(name, () => {
    let t: Target;
    let remote: RemoteBackend;
    let ctx: { root: string; env: Record<string, string | undefined> };
    beforeAll(async () => {
      t = target();
      ctx = { root: process.cwd(), env: t.env ?? process.env };
      remote = await openBackend(t.good(), ctx);
    });
    afterAll(async () => {
      await remote?.close();
    });

    it("round-trips small, empty and large bodies", async () => {
      const small = Buffer.from("hello remote\n");
      const large = randomBytes(t.largeSize);
      await remote.put("objects/aa/small", bodyOf(small), small.length);
      await remote.put("objects/aa/empty", bodyOf(Buffer.alloc(0)), 0);
      await remote.put("objects/bb/large", () => Readable.from(chunked(large, 256 * 1024)), large.length);
      expect(await readAll(await remote.get("objects/aa/small"))).toEqual(small);
      expect((await readAll(await remote.get("objects/aa/empty"))).length).toBe(0);
      const back = await readAll(await remote.get("objects/bb/large"));
      expect(back.length).toBe(large.length);
      expect(back.equals(large)).toBe(true);
    });

    it("overwrites a key with a new body", async () => {
      await remote.put("runs/fp.json", bodyOf(Buffer.from("one")), 3);
      await remote.put("runs/fp.json", bodyOf(Buffer.from("two!")), 4);
      expect((await readAll(await remote.get("runs/fp.json"))).toString()).toBe("two!");
    });

    it("lists every key under a prefix and nothing outside it, with no temporary names", async () => {
      for (const key of ["list/x/1", "list/x/2", "list/y/3", "listing-not/4"]) {
        await remote.put(key, bodyOf(Buffer.from(key)), key.length);
      }
      expect(await listAll(remote, "list/")).toEqual(["list/x/1", "list/x/2", "list/y/3"]);
      expect(await listAll(remote, "list")).toEqual(["list/x/1", "list/x/2", "list/y/3"]);
      expect(await listAll(remote, "list/x/")).toEqual(["list/x/1", "list/x/2"]);
      expect(await listAll(remote, "nothing-here/")).toEqual([]);
    });

    it("answers existsMany for a mix of present and absent keys, few and many", async () => {
      const present = Array.from({ length: 300 }, (_, i) => `many/${(i % 3).toString()}/${i.toString().padStart(4, "0")}`);
      for (const key of present) await remote.put(key, bodyOf(Buffer.from("x")), 1);
      const absent = Array.from({ length: 300 }, (_, i) => `many/${(i % 4).toString()}/absent-${i.toString()}`);
      const all = [...present, ...absent, "nowhere/at/all"];
      expect([...(await remote.existsMany(all))].sort()).toEqual([...present].sort());
      expect([...(await remote.existsMany([present[7]!, "many/0/absent-0", "gone"]))]).toEqual([present[7]]);
      expect((await remote.existsMany([])).size).toBe(0);
    });

    it("deletes a key, and deleting an absent key is no error", async () => {
      await remote.put("del/one", bodyOf(Buffer.from("1")), 1);
      await remote.delete("del/one");
      await remote.delete("del/one");
      await remote.delete("del/never/there");
      expect((await remote.existsMany(["del/one"])).size).toBe(0);
      expect(await listAll(remote, "del/")).toEqual([]);
    });

    it("leaves no key and no temporary name when the body fails mid-way or is short", async () => {
      const err = await errorOf(remote.put("atomic/broken", failingBody, 4096));
      expect(err.key).toBe("atomic/broken");
      const short = await errorOf(remote.put("atomic/short", bodyOf(Buffer.from("abc")), 10));
      expect(short.key).toBe("atomic/short");
      expect((await remote.existsMany(["atomic/broken", "atomic/short"])).size).toBe(0);
      expect(await listAll(remote, "atomic/")).toEqual([]);
      await errorOf(remote.get("atomic/broken"));
    });

    it("says a missing key is missing, naming it", async () => {
      const err = await errorOf(remote.get("objects/zz/not-there"));
      expect(err.kind).toBe("missing");
      expect(err.key).toBe("objects/zz/not-there");
      expect(err.message).toContain("objects/zz/not-there");
      expectOneLine(err, t.good(), t.secrets);
    });

    it("says a remote whose root is not there is no-root", async () => {
      const settings = t.noRoot();
      const backend = await openBackend(settings, ctx);
      try {
        for (const attempt of [
          () => backend.get("objects/aa/x"),
          () => backend.existsMany(["objects/aa/x"]),
          () => listAll(backend, "objects/"),
          () => backend.put("objects/aa/x", bodyOf(Buffer.from("x")), 1),
        ]) {
          const err = await errorOf(attempt());
          expect(err.kind).toBe("no-root");
          expectOneLine(err, settings, t.secrets);
        }
      } finally {
        await backend.close();
      }
    });

    it("says an unreachable remote is unreachable", async () => {
      if (!t.unreachable) return;
      const settings = t.unreachable();
      const backend = await openBackend(settings, ctx);
      try {
        const err = await errorOf(backend.existsMany(["objects/aa/x"]));
        expect(err.kind).toBe("unreachable");
        expectOneLine(err, settings, t.secrets);
      } finally {
        await backend.close();
      }
    });

    it("says refused credentials are auth, without printing them", async () => {
      if (!t.badAuth) return;
      const settings = t.badAuth();
      const backend = await openBackend(settings, ctx);
      try {
        const err = await errorOf(backend.get("objects/aa/x"));
        expect(err.kind).toBe("auth");
        expectOneLine(err, settings, [...t.secrets, ...Object.values(settings.options)]);
      } finally {
        await backend.close();
      }
    });
  });
}

function* chunked(bytes: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
