// Integration: a pipeline.lock written before BLAKE3 (items named by 16-hex xxh64) keeps working.
// A stage whose recorded digests still name what the workspace holds is fresh (nothing runs), and
// its entry is rewritten with BLAKE3 digests, its outs saved in the cache under their new names.
import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { objectPath, cacheLayout } from "../../src/cache/index.js";
import { createHasher, digestKind, type Digest } from "../../src/hashing/index.js";
import { Rig } from "../helpers/rig.js";

let rig: Rig;
beforeEach(() => {
  rig = new Rig("pipe-legacy-lock-");
  rig.write("data/in.txt", "1\n2\n3\n");
  rig.write("params.yaml", "scale: 2\n");
  rig.write(
    "pipeline.yaml",
    [
      "stages:",
      "  prep:",
      "    cmd: echo prep >> log.txt && mkdir -p data/prepared && cp data/in.txt data/prepared/a.txt && echo x > data/prepared/b.txt",
      "    deps: [data/in.txt]",
      "    outs: [data/prepared]",
      "  train:",
      "    cmd: echo train >> log.txt && cat data/prepared/a.txt > model.txt",
      "    deps: [data/prepared]",
      "    params: [scale]",
      "    outs: [model.txt]",
      "",
    ].join("\n"),
  );
});
afterEach(() => rig.cleanup());

interface Item {
  path: string;
  hash: string;
}
type Lock = { schema: string; stages: Record<string, { deps?: Item[]; outs?: Item[] }> };

/** pipeline.lock as the engine before BLAKE3 would have written it for today's workspace; the cache dropped. */
async function makeLegacy(): Promise<Lock> {
  const now = parse(rig.read("pipeline.lock")) as Lock;
  const legacy = createHasher({ root: rig.dir, statePath: "", algorithm: "xxh64" });
  const old = structuredClone(now);
  for (const entry of Object.values(old.stages)) {
    for (const i of [...(entry.deps ?? []), ...(entry.outs ?? [])]) i.hash = (await legacy.hashPath(i.path as never))!.digest;
  }
  rig.write("pipeline.lock", stringify(old));
  rig.remove(".cache");
  return now;
}

const hashes = (lock: Lock): string[] => Object.values(lock.stages).flatMap((e) => [...(e.deps ?? []), ...(e.outs ?? [])].map((i) => i.hash));

describe("a pipeline.lock of legacy xxh64 digests", () => {
  it("is fresh when the workspace matches: status, --dry and repro agree; the lock is rewritten to BLAKE3 and the outs cached", async () => {
    expect(rig.pipe("repro").code).toBe(0);
    const blake = await makeLegacy();
    expect(hashes(parse(rig.read("pipeline.lock")) as Lock).every((h) => digestKind(h as Digest) === "xxh64")).toBe(true);
    rig.clearLog();

    const status = rig.pipe("status");
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("up to date");
    expect(status.stdout).not.toContain("prep");
    const dry = rig.pipe("repro", "--dry");
    expect(dry.stdout).toMatch(/up to date\s+prep/);
    expect(dry.stdout).toMatch(/up to date\s+train/);
    const repro = rig.pipe("repro");
    expect(repro.code).toBe(0);
    expect(repro.stderr).toContain("0 ran, 0 restored, 2 fresh");
    expect(rig.log()).toEqual([]);

    const rewritten = parse(rig.read("pipeline.lock")) as Lock;
    expect(rewritten).toEqual(blake);
    expect(hashes(rewritten).every((h) => digestKind(h as Digest) === "blake3")).toBe(true);
    for (const e of Object.values(rewritten.stages)) {
      for (const o of e.outs ?? []) expect(existsSync(objectPath(cacheLayout(rig.dir), o.hash as Digest))).toBe(true);
    }
    // The outs can come back from the cache: a deleted output is restored, not re-made.
    rig.remove("model.txt");
    const again = rig.pipe("repro");
    expect(again.stderr).toContain("1 restored");
    expect(rig.log()).toEqual([]);
  });

  it("is stale, for the changed dep alone, when a dep no longer holds what its legacy digest named", async () => {
    expect(rig.pipe("repro").code).toBe(0);
    await makeLegacy();
    rig.write("data/in.txt", "1\n2\n3\n4\n");
    rig.clearLog();
    const status = rig.pipe("status", "--json");
    const stale = JSON.parse(status.stdout) as Record<string, unknown>;
    expect(stale.prep).toEqual([{ kind: "dep-modified", path: "data/in.txt" }]);
    expect(stale.train).toBeUndefined();
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.log()).toEqual(["prep", "train"]);
    expect(hashes(parse(rig.read("pipeline.lock")) as Lock).every((h) => digestKind(h as Digest) === "blake3")).toBe(true);
  });
});
