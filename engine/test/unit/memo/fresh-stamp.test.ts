// Unit: the up-to-date stamp's format, its check against injected stats, and the recorder that
// refuses to vouch for a path that changed while the run looked at it.
import { describe, expect, it } from "vitest";
import { decodeStamp, encodeStamp, stampHolds, type FreshStamp, type StatSig } from "../../../src/memo/fresh-stamp.js";
import { recordStats, stampOf } from "../../../src/memo/stamp-recorder.js";
import type { FileStat, HashFs } from "../../../src/hashing/fs.js";

const stamp: FreshStamp = {
  file: "pipeline.yaml",
  plan: ["a", "b"],
  done: [
    ["a", "fresh"],
    ["b", "frozen"],
  ],
  paths: ["data/x.csv", "pipeline.yaml"],
  sigs: [
    [12345678901, 10, 1700000000123.4568],
    [7, 99, 1700000000000],
  ],
};

const statFrom =
  (table: Record<string, StatSig>) =>
  (abs: string): StatSig | null => {
    const rel = abs.replace(/^\/p\//, "");
    return table[rel] ?? null;
  };

describe("fresh stamp", () => {
  it("round-trips through its text form, signatures bit for bit", () => {
    expect(decodeStamp(encodeStamp(stamp))).toEqual(stamp);
  });

  it("is null when malformed or of another version", () => {
    expect(decodeStamp("{")).toBeNull();
    expect(decodeStamp(encodeStamp(stamp).replace(/"v":\d+/, '"v":1'))).toBeNull();
    const text = JSON.parse(encodeStamp(stamp)) as Record<string, unknown>;
    expect(decodeStamp(JSON.stringify({ ...text, paths: "only-one" }))).toBeNull();
  });

  it("holds only while every path keeps its signature and the same pipeline file is read", () => {
    const table = { "data/x.csv": stamp.sigs[0] as StatSig, "pipeline.yaml": stamp.sigs[1] as StatSig };
    expect(stampHolds("/p", stamp, statFrom(table))).toBe(true);
    expect(stampHolds("/p", stamp, statFrom({ ...table, "data/x.csv": [12345678901, 10, 1700000000123.457] }))).toBe(false);
    expect(stampHolds("/p", stamp, statFrom({ ...table, "data/x.csv": [1, 10, 1700000000123.4568] }))).toBe(false);
    expect(stampHolds("/p", stamp, statFrom({ "pipeline.yaml": stamp.sigs[1] as StatSig }))).toBe(false);
    expect(stampHolds("/p", { ...stamp, file: "dvc.yaml" }, statFrom(table))).toBe(false);
  });
});

function fakeFs(stats: Map<string, FileStat>): HashFs {
  return {
    stat: async (abs) => stats.get(abs) ?? null,
    readdir: async () => [],
    digestFile: async () => {
      throw new Error("not used");
    },
    readText: async () => null,
    writeTextAtomic: async () => {},
  };
}
const file = (ino: number, mtimeMs: number): FileStat => ({ ino, size: 1, mtimeMs, isFile: true, isDir: false });

describe("stat recorder", () => {
  it("records what was stat'ed and listed, root-relative", async () => {
    const stats = new Map([
      ["/p/a.txt", file(1, 5)],
      ["/p/d", { ...file(2, 6), isFile: false, isDir: true }],
    ]);
    const rec = recordStats(fakeFs(stats), "/p");
    await rec.fs.stat("/p/a.txt");
    await rec.fs.readdir("/p/d");
    expect([...(rec.seen() ?? [])]).toEqual([
      ["a.txt", [1, 1, 5]],
      ["d", [2, 1, 6]],
    ]);
  });

  it("vouches for nothing when a path changed or vanished during the run", async () => {
    const stats = new Map([["/p/a.txt", file(1, 5)]]);
    const rec = recordStats(fakeFs(stats), "/p");
    await rec.fs.stat("/p/a.txt");
    stats.set("/p/a.txt", file(1, 6));
    await rec.fs.stat("/p/a.txt");
    expect(rec.seen()).toBeNull();
    const gone = recordStats(fakeFs(new Map()), "/p");
    await gone.fs.stat("/p/missing");
    expect(gone.seen()).toBeNull();
  });

  it("stamps a text file only when its text is the one the verdict read", () => {
    const inputs = {
      root: "/p",
      file: "pipeline.yaml",
      texts: new Map([["pipeline.yaml", "stages: {}\n"]]),
      lockSig: [3, 3, 3] as StatSig,
      plan: [],
      done: [],
      seen: new Map<string, StatSig>([["a.txt", [1, 1, 5]]]),
    };
    const stat = (): StatSig => [9, 9, 9];
    const ok = stampOf(inputs, stat, () => "stages: {}\n");
    expect(ok?.paths).toEqual(["a.txt", "pipeline.lock", "pipeline.yaml"]);
    expect(ok?.sigs).toEqual([
      [1, 1, 5],
      [3, 3, 3],
      [9, 9, 9],
    ]);
    expect(stampOf(inputs, stat, () => "stages: {a: {cmd: x}}\n")).toBeNull();
  });
});
