import { execFile } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ExpStore, newId } from "../../../src/exp/index.js";
import { withMutex as withLock } from "../../../src/files/mutex.js";
import type { ExperimentRecord } from "../../../src/exp/index.js";

const roots: string[] = [];
function tempRoot(): string {
  const r = mkdtempSync(join(tmpdir(), "pipe-exp-store-"));
  roots.push(r);
  return r;
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

const record = (name: string, extra: Partial<ExperimentRecord> = {}): ExperimentRecord => ({
  schema: 1,
  id: newId(),
  name,
  createdAt: new Date().toISOString(),
  git: null,
  status: "success",
  params: {},
  metrics: {},
  deps: {},
  durations: {},
  ...extra,
});

describe("ExpStore", () => {
  it("keeps every entry when many writers add at once (in-process)", async () => {
    const root = tempRoot();
    const store = new ExpStore(root);
    await Promise.all(Array.from({ length: 40 }, (_, i) => new ExpStore(root).add(record(`e${i}`))));
    const { records, warnings } = await store.list();
    expect(warnings).toEqual([]);
    expect(new Set(records.map((r) => r.name)).size).toBe(40);
  });

  it("keeps every entry with concurrent writer processes", async () => {
    const root = tempRoot();
    const script = fileURLToPath(new URL("./store-writer.ts", import.meta.url));
    const run = (tag: string): Promise<void> =>
      new Promise((resolve, reject) =>
        execFile(process.execPath, ["--import", "tsx", script, root, tag, "15"], (e, _o, stderr) => (e ? reject(new Error(stderr || e.message)) : resolve())),
      );
    await Promise.all(["a", "b", "c", "d"].map(run));
    const { records, warnings } = await new ExpStore(root).list();
    expect(warnings).toEqual([]);
    expect(records).toHaveLength(60);
    expect(new Set(records.map((r) => r.name)).size).toBe(60);
  });

  it("rejects a duplicate name even under concurrency, leaving one entry", async () => {
    const root = tempRoot();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => new ExpStore(root).add(record("same"))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await new ExpStore(root).list()).records).toHaveLength(1);
  });

  it("finds by name, id and id prefix; a corrupt index line is a warning", async () => {
    const root = tempRoot();
    const store = new ExpStore(root);
    const r = record("fast");
    await store.add(r);
    expect((await store.find("fast"))?.id).toBe(r.id);
    expect((await store.find(r.id))?.name).toBe("fast");
    expect((await store.find(r.id.slice(0, 14)))?.name).toBe("fast");
    appendFileSync(join(root, ".pipe/exp/index.jsonl"), "{broken\n");
    const { records, warnings } = await store.list();
    expect(records).toHaveLength(1);
    expect(warnings).toEqual([".pipe/exp/index.jsonl:2: malformed entry, skipped"]);
  });

  it("queue entries are claimed once", async () => {
    const root = tempRoot();
    const store = new ExpStore(root);
    await store.enqueue({ schema: 1, id: "q1", createdAt: "", overrides: { "params.yaml": { a: 1 } } });
    expect((await store.queued()).map((q) => q.id)).toEqual(["q1"]);
    const claims = await Promise.all([store.claim("q1"), store.claim("q1")]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.queued()).toEqual([]);
    await store.done("q1");
  });
});

describe("withLock", () => {
  it("serializes critical sections", async () => {
    const root = tempRoot();
    const lock = join(root, "lock");
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withLock(lock, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((r) => setTimeout(r, 2));
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
  });

  it("takes over a stale lock left by a crashed writer", async () => {
    const root = tempRoot();
    mkdirSync(root, { recursive: true });
    const lock = join(root, "lock");
    writeFileSync(lock, '{"pid": 999999}');
    const old = new Date(Date.now() - 120_000);
    utimesSync(lock, old, old);
    await expect(withLock(lock, async () => "ran", { staleMs: 30_000 })).resolves.toBe("ran");
  });

  it("times out on a live lock", async () => {
    const root = tempRoot();
    const lock = join(root, "lock");
    writeFileSync(lock, "{}");
    await expect(withLock(lock, async () => "ran", { timeoutMs: 100 })).rejects.toThrow(/timed out waiting for lock/);
  });
});
