// Integration: `pipe add` and tracked data through the built CLI: tracking files, .gitignore and
// the cache; checkout, status and gc reading `.dvc` files; a stage depending on tracked data; the
// paths `pipe add` refuses; DVC's own md5-only files; bad and conflicting tracking files.
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isDigest } from "../../src/hashing/index.js";
import { Rig } from "../helpers/rig.js";

let rig: Rig;
beforeEach(() => {
  rig = new Rig("pipe-tracked-");
  mkdirSync(rig.path(".git"));
});
afterEach(() => rig.cleanup());

const CSV = "id,label\n1,cat\n2,dog\n";
const digestIn = (rig: Rig, file: string): string => {
  const out = (parse(rig.read(file)) as { outs: Record<string, unknown>[] }).outs[0] as Record<string, unknown>;
  return String(out[String(out.hash)]);
};
/** Every object file under .cache/objects, as `<2><rest>`. */
const objects = (rig: Rig): string[] => {
  const base = rig.path(".cache/objects");
  if (!rig.exists(".cache/objects")) return [];
  return readdirSync(base).flatMap((p) => readdirSync(join(base, p)).map((r) => p + r));
};

describe("pipe add", () => {
  it("tracks a file and a folder: .dvc files, .gitignore entries, objects in the cache", () => {
    rig.write("data/raw.csv", CSV).write("data/images/cat.txt", "meow\n").write("data/images/sub/dog.txt", "woof\n");
    const r = rig.pipe("add", "data/raw.csv", "data/images");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "added data/raw.csv (21 B): data/raw.csv.dvc written, /raw.csv added to data/.gitignore\n" +
        "added data/images (2 files, 10 B): data/images.dvc written, /images added to data/.gitignore\n",
    );
    const file = parse(rig.read("data/raw.csv.dvc")) as { outs: Record<string, unknown>[] };
    const entry = file.outs[0] as Record<string, unknown>;
    expect(entry.path).toBe("raw.csv");
    expect(entry.size).toBe(21);
    const digest = digestIn(rig, "data/raw.csv.dvc");
    expect(isDigest(digest)).toBe(true);
    expect(Object.keys(entry)).toEqual([String(entry.hash), "size", "hash", "path"]);
    const dir = (parse(rig.read("data/images.dvc")) as { outs: Record<string, unknown>[] }).outs[0] as Record<string, unknown>;
    expect(dir).toMatchObject({ path: "images", size: 10, nfiles: 2 });
    expect(digestIn(rig, "data/images.dvc").endsWith(".dir")).toBe(true);
    expect(rig.read("data/.gitignore")).toBe("/raw.csv\n/images\n");
    expect(objects(rig)).toContain(digest);
    expect(objects(rig)).toContain(digestIn(rig, "data/images.dvc"));
    expect(objects(rig)).toHaveLength(4); // the csv, two files of the folder, its manifest
  });

  it("re-adding a changed file updates its .dvc and leaves .gitignore as it was", () => {
    rig.write("data/raw.csv", CSV).write("data/.gitignore", "*.tmp\n");
    expect(rig.pipe("add", "data/raw.csv").code).toBe(0);
    const first = digestIn(rig, "data/raw.csv.dvc");
    rig.remove("data/raw.csv");
    rig.write("data/raw.csv", `${CSV}3,bird\n`);
    const r = rig.pipe("add", "data/raw.csv");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("re-added data/raw.csv");
    expect(r.stdout).toContain("/raw.csv already in data/.gitignore");
    expect(digestIn(rig, "data/raw.csv.dvc")).not.toBe(first);
    expect(rig.read("data/.gitignore")).toBe("*.tmp\n/raw.csv\n");
  });

  it("refuses, one line each naming the path, and touches nothing: outside, missing, a stage's out, pipe's and git's folders", () => {
    rig.write("pipeline.yaml", "stages:\n  prep:\n    cmd: echo x > out.txt\n    outs: [out.txt]\n");
    rig.write("out.txt", "x\n").write("data/ok.csv", CSV);
    rig.write(".cache/x", "1").write(".git/config", "").write(".pipe/config", "");
    const r = rig.pipe("add", "data/ok.csv", "../elsewhere.csv", "nope.csv", "out.txt", ".cache/x", ".git/config", ".pipe");
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^pipe add: \.\.\/elsewhere\.csv is outside the project/);
    expect(lines[1]).toBe("pipe add: nope.csv does not exist");
    expect(lines[2]).toMatch(/^pipe add: out\.txt is an output of stage 'prep' \(pipeline\.yaml\): use the stage/);
    expect(lines[3]).toMatch(/^pipe add: \.cache\/x lies inside \.cache\//);
    expect(lines[4]).toMatch(/^pipe add: \.git\/config lies inside \.git\//);
    expect(lines[5]).toMatch(/^pipe add: \.pipe is \.pipe\//);
    expect(rig.exists("data/ok.csv.dvc")).toBe(false);
    expect(rig.exists("data/.gitignore")).toBe(false);
  });

  it("refuses data whose .dvc file would land in a folder the root .gitignore ignores (git would not version it)", () => {
    rig.write(".gitignore", "data/\n").write("data/raw.csv", CSV);
    const r = rig.pipe("add", "data/raw.csv");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pipe add: data\/raw\.csv would get its tracking file in 'data', which git does not version/);
    expect(rig.exists("data/raw.csv.dvc")).toBe(false);
  });

  it("--json prints what was added", () => {
    rig.write("data/raw.csv", CSV);
    const r = rig.pipe("add", "--json", "data/raw.csv");
    expect(r.code).toBe(0);
    const [row, ...rest] = JSON.parse(r.stdout);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({ path: "data/raw.csv", file: "data/raw.csv.dvc", size: 21, isDir: false, readded: false, cached: true });
    expect(row.digest).toBe(digestIn(rig, "data/raw.csv.dvc"));
    expect(row.gitignore).toEqual({ file: "data/.gitignore", entry: "/raw.csv", added: true });
  });

  it("works from a subfolder of a data-only project marked by .pipe/ (no pipeline, no git)", () => {
    rig.remove(".git");
    mkdirSync(rig.path(".pipe"));
    rig.write("data/raw.csv", CSV);
    const r = rig.pipeIn("data", "add", "raw.csv");
    expect(r.code).toBe(0);
    expect(rig.exists("data/raw.csv.dvc")).toBe(true);
    expect(rig.read("data/.gitignore")).toBe("/raw.csv\n");
  });
});

describe("checkout and status of tracked data", () => {
  it("a deleted file and folder come back byte-identical; a modified file is reported", () => {
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 10]);
    rig.write("data/raw.csv", CSV).write("data/images/cat.bin", bytes.toString("latin1"));
    expect(rig.pipe("add", "data/raw.csv", "data/images").code).toBe(0);
    expect(rig.pipe("status").stdout).toBe("Data and pipeline are up to date.\n");
    const before = readFileSync(rig.path("data/images/cat.bin"));

    rig.remove("data/raw.csv");
    rig.remove("data/images");
    const st = rig.pipe("status");
    expect(st.stdout).toBe("data/images.dvc: missing\ndata/raw.csv.dvc: missing\n");
    const co = rig.pipe("checkout");
    expect(co.code).toBe(0);
    expect(co.stderr).toContain("restored data/raw.csv (data/raw.csv.dvc)");
    expect(co.stderr).toContain("restored data/images (data/images.dvc)");
    expect(rig.read("data/raw.csv")).toBe(CSV);
    expect(readFileSync(rig.path("data/images/cat.bin")).equals(before)).toBe(true);

    rig.remove("data/raw.csv");
    rig.write("data/raw.csv", "changed\n");
    expect(rig.pipe("status").stdout).toBe("data/raw.csv.dvc: modified\n");
    expect(JSON.parse(rig.pipe("status", "--json").stdout)).toEqual({ "data/raw.csv.dvc": [{ kind: "modified", path: "data/raw.csv" }] });
  });

  it("a target names a .dvc file or a tracked path, relative to the working folder", () => {
    rig.write("data/a.csv", "a\n").write("data/b.csv", "b\n");
    expect(rig.pipe("add", "data/a.csv", "data/b.csv").code).toBe(0);
    rig.remove("data/a.csv");
    rig.remove("data/b.csv");
    const one = rig.pipeIn("data", "checkout", "a.csv.dvc");
    expect(one.code).toBe(0);
    expect(rig.exists("data/a.csv")).toBe(true);
    expect(rig.exists("data/b.csv")).toBe(false);
    expect(rig.pipe("checkout", "data/b.csv").code).toBe(0);
    expect(rig.read("data/b.csv")).toBe("b\n");
  });

  it("a DVC project's md5-only .dvc file is reported as not in the cache, in one line, not a crash", () => {
    rig.write("data/raw.csv.dvc", "outs:\n- md5: 22a1a2931c8370d3aeedd7183606fd7f\n  size: 14\n  hash: md5\n  path: raw.csv\n");
    rig.write("old.csv.dvc", "outs:\n- md5: 0cc175b9c0f1b6a831c399e269772661\n  path: old.csv\n");
    const r = rig.pipe("checkout");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("0 restored, 0 unchanged, 2 not in the cache");
    expect(r.stderr.split("\n").filter((l) => l.includes("not in the cache: data/raw.csv"))).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a bad .dvc file is one diagnostic at file:line:col, exit 2", () => {
    rig.write("data/raw.csv.dvc", "outs:\n- md5: abc\n  path: [raw.csv\n");
    const r = rig.pipe("status");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^data\/raw\.csv\.dvc:\d+:\d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("a stage depending on tracked data", () => {
  const PIPELINE = "stages:\n  count:\n    cmd: wc -l < data/raw.csv > count.txt && echo count >> log.txt\n    deps: [data/raw.csv]\n    outs: [count.txt]\n";

  it("runs, is fresh after, re-runs when the data changes and is re-added; missing data does not break the graph", () => {
    rig.write("data/raw.csv", CSV).write("pipeline.yaml", PIPELINE);
    expect(rig.pipe("add", "data/raw.csv").code).toBe(0);
    expect(rig.pipe("dag").code).toBe(0);
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.log()).toEqual(["count"]);
    expect(rig.read("count.txt").trim()).toBe("3");

    rig.remove("data/raw.csv");
    rig.write("data/raw.csv", `${CSV}3,bird\n`);
    const st = rig.pipe("status");
    expect(st.stdout).toContain("count:");
    expect(st.stdout).toContain("data/raw.csv.dvc: modified");
    expect(rig.pipe("add", "data/raw.csv").code).toBe(0);
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.log()).toEqual(["count", "count"]);
    expect(rig.read("count.txt").trim()).toBe("4");

    // A fresh clone: the data is not checked out yet, only its .dvc file is there.
    rig.remove("data/raw.csv");
    expect(rig.pipe("dag").code).toBe(0);
    const co = rig.pipe("checkout");
    expect(co.code).toBe(0);
    expect(co.stderr).toContain("restored data/raw.csv");
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.log()).toEqual(["count", "count"]);
  });

  it("a .dvc file that tracks a stage's out is an error naming both files", () => {
    rig.write("pipeline.yaml", PIPELINE).write("data/raw.csv", CSV);
    rig.write("count.txt.dvc", "outs:\n- md5: 22a1a2931c8370d3aeedd7183606fd7f\n  path: count.txt\n");
    const r = rig.pipe("status");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("count.txt.dvc:2:3");
    expect(r.stderr).toContain("pipeline.yaml");
    expect(r.stderr).toContain("stage 'count'");
  });
});

describe("pipe gc", () => {
  it("keeps the objects .dvc files reference", () => {
    rig.write("data/raw.csv", CSV).write("data/images/cat.txt", "meow\n");
    expect(rig.pipe("add", "data/raw.csv", "data/images").code).toBe(0);
    const kept = objects(rig).sort();
    const gc = rig.pipe("gc");
    expect(gc.code).toBe(0);
    expect(gc.stderr).toContain("removed 0 objects");
    expect(objects(rig).sort()).toEqual(kept);
    rig.remove("data/raw.csv");
    rig.remove("data/images");
    expect(rig.pipe("checkout").code).toBe(0);
    expect(rig.read("data/raw.csv")).toBe(CSV);
    expect(rig.read("data/images/cat.txt")).toBe("meow\n");
  });
});
