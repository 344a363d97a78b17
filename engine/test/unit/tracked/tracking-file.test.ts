// Tracking files (`PATH.dvc`): pipe's form written and read back, DVC 3's and DVC 2's md5 forms
// read, folders, positional errors, re-adding an existing file, the .gitignore entry, refusals.
import { describe, expect, it } from "vitest";
import type { RelPath } from "../../../src/config/types.js";
import { digestKind, digestString, hexAs, isDigest, type Digest, type HashInfo } from "../../../src/hashing/index.js";
import {
  addRefusal,
  ignoreEntry,
  parseTrackingFile,
  trackedConflicts,
  trackingText,
  updatedTrackingText,
  withIgnoreEntry,
} from "../../../src/tracked/index.js";
import { stage } from "../../helpers/stages.js";

const rel = (p: string): RelPath => p as RelPath;
const file: HashInfo = { digest: digestString("a,b\n1,2\n"), size: 8, isDir: false };
const dir: HashInfo = { digest: `${digestString("[manifest]")}.dir` as Digest, size: 120, isDir: true, nfiles: 3 };
const md5 = "22a1a2931c8370d3aeedd7183606fd7f";

const parsed = (text: string, at = "data/raw.csv.dvc") => {
  const r = parseTrackingFile(text, rel(at));
  if (!r.ok) throw new Error(`expected a parse, got ${r.error.message}`);
  return r.value;
};
const failure = (text: string, at = "data/raw.csv.dvc") => {
  const r = parseTrackingFile(text, rel(at));
  if (r.ok) throw new Error("expected a diagnostic");
  return r.error;
};

describe("pipe's form", () => {
  it("writes DVC 3's layout with the field named after the digest's algorithm, and reads it back", () => {
    const kind = digestKind(file.digest);
    const text = trackingText("raw.csv", file);
    expect(text).toBe(`outs:\n- ${kind}: ${file.digest}\n  size: 8\n  hash: ${kind}\n  path: raw.csv\n`);
    const f = parsed(text);
    expect(f.outs).toHaveLength(1);
    expect(f.outs[0]).toMatchObject({ path: "data/raw.csv", written: "raw.csv", info: file, loc: { file: "data/raw.csv.dvc", line: 2, col: 3 } });
    expect(f.outs[0]?.md5).toBeUndefined();
  });

  it("a folder records its .dir digest and nfiles", () => {
    const text = trackingText("images", dir);
    expect(text).toContain("  nfiles: 3\n");
    const f = parsed(text, "data/images.dvc");
    expect(f.outs[0]?.path).toBe("data/images");
    expect(f.outs[0]?.info).toEqual(dir);
  });

  it("reads the legacy 16-hex xxh64 form under its own field name", () => {
    const legacy = hexAs("xxh64", "content");
    expect(isDigest(legacy)).toBe(true);
    const f = parsed(`outs:\n- xxh64: '${legacy}'\n  size: 7\n  hash: xxh64\n  path: raw.csv\n`);
    expect(f.outs[0]?.info).toEqual({ digest: legacy, size: 7, isDir: false });
  });
});

describe("DVC's forms", () => {
  it("DVC 3 (md5 + hash: md5): the md5 is kept, there is no pipe digest", () => {
    const f = parsed(`outs:\n- md5: ${md5}\n  size: 14445097\n  hash: md5\n  path: raw.csv\n`);
    expect(f.outs[0]).toMatchObject({ path: "data/raw.csv", info: null, md5 });
  });

  it("DVC 3 folder (md5 .dir + nfiles)", () => {
    const f = parsed(`outs:\n- md5: ${md5}.dir\n  size: 744\n  nfiles: 4\n  hash: md5\n  path: images\n`, "data/images.dvc");
    expect(f.outs[0]).toMatchObject({ path: "data/images", info: null, md5: `${md5}.dir` });
  });

  it("DVC 2 (md5 alone, a top-level md5, wdir, desc and meta; an all-digit md5 read as written)", () => {
    const text = `md5: 0123456789abcdef0123456789abcdef\nwdir: ..\nouts:\n- md5: 12345678901234567890123456789012\n  path: data/raw.csv\n  desc: the raw dump\n  cache: true\nmeta:\n  owner: ml-team\n`;
    const f = parsed(text, "sub/raw.csv.dvc");
    expect(f.outs[0]).toMatchObject({ path: "data/raw.csv", info: null, md5: "12345678901234567890123456789012" });
  });

  it("several outs in one file", () => {
    const f = parsed(`outs:\n- md5: ${md5}\n  path: a.csv\n- md5: ${md5}\n  path: b.csv\n`, "data.dvc");
    expect(f.outs.map((o) => o.path)).toEqual(["a.csv", "b.csv"]);
  });
});

describe("bad tracking files: one diagnostic at file:line:col", () => {
  it("YAML syntax", () => {
    const d = failure("outs:\n- md5: abc\n  path: [raw.csv\n");
    expect(d.code).toBe("yaml-syntax");
    expect(d.location?.file).toBe("data/raw.csv.dvc");
    expect(d.location?.line).toBeGreaterThanOrEqual(3);
  });

  it("an entry without a path", () => {
    const d = failure(`outs:\n- md5: ${md5}\n  size: 3\n`);
    expect(d).toMatchObject({ code: "bad-type", location: { file: "data/raw.csv.dvc", line: 2, col: 3 } });
    expect(d.message).toContain("no path");
  });

  it("a pipe digest field that does not hold that kind of digest points at the value", () => {
    const d = failure(`outs:\n- blake3: not-a-digest\n  size: 3\n  hash: blake3\n  path: raw.csv\n`);
    expect(d).toMatchObject({ code: "bad-type", location: { line: 2, col: 11 } });
    expect(d.message).toContain("not-a-digest");
  });

  it("a path that leaves the project, no outs, duplicate keys", () => {
    expect(failure(`outs:\n- md5: ${md5}\n  path: ../../x.csv\n`)).toMatchObject({ code: "invalid-path", location: { line: 3, col: 9 } });
    expect(failure("meta: {}\n").code).toBe("bad-type");
    expect(failure("").code).toBe("bad-type");
    expect(failure(`outs:\n- md5: ${md5}\n  path: a\n  path: b\n`).code).toBe("duplicate-key");
  });
});

describe("re-adding", () => {
  it("replaces the content fields of a DVC file's entry and keeps its other keys", () => {
    const old = `md5: 0123456789abcdef0123456789abcdef\nouts:\n- md5: ${md5}\n  size: 10\n  hash: md5\n  path: raw.csv\n  desc: the raw dump\nmeta:\n  owner: ml-team\n`;
    const text = updatedTrackingText(old, "raw.csv", file);
    const f = parsed(text);
    expect(f.outs[0]).toMatchObject({ path: "data/raw.csv", info: file });
    expect(f.outs[0]?.md5).toBeUndefined();
    expect(text).toContain("desc: the raw dump");
    expect(text).toContain("owner: ml-team");
    expect(text).not.toContain("0123456789abcdef0123456789abcdef");
  });

  it("writes a new file when the old one is not a tracking file of that path", () => {
    expect(updatedTrackingText("not: [yaml", "raw.csv", file)).toBe(trackingText("raw.csv", file));
  });
});

describe(".gitignore entry", () => {
  it("is created, appended once, and never twice", () => {
    expect(withIgnoreEntry(null, "/raw.csv")).toBe("/raw.csv\n");
    expect(withIgnoreEntry("*.tmp", "/raw.csv")).toBe("*.tmp\n/raw.csv\n");
    expect(withIgnoreEntry("*.tmp\n/raw.csv\n", "/raw.csv")).toBeNull();
    expect(withIgnoreEntry("/images/\n", "/images")).toBeNull();
  });

  it("escapes glob characters of the name", () => {
    expect(ignoreEntry("raw.csv")).toBe("/raw.csv");
    expect(ignoreEntry("a*b[1]?.csv")).toBe("/a\\*b\\[1]\\?.csv");
  });
});

describe("what may be tracked", () => {
  const stages = [stage("prep", { outs: ["data/clean.csv", "models"] })];
  const tracked = [{ path: rel("data/images"), file: rel("data/images.dvc") }];

  it("refuses stage outs, pipe's and git's folders, project files and overlaps with tracked data", () => {
    expect(addRefusal(rel("data/clean.csv"), stages, tracked)).toContain("output of stage 'prep'");
    expect(addRefusal(rel("models/head.bin"), stages, tracked)).toContain("inside 'models'");
    expect(addRefusal(rel("data"), stages, tracked)).toContain("holds 'data/clean.csv'");
    expect(addRefusal(rel(".cache/objects"), stages, tracked)).toContain(".cache/");
    expect(addRefusal(rel(".git"), stages, tracked)).toContain(".git/");
    expect(addRefusal(rel(".pipe/config"), stages, tracked)).toContain(".pipe/");
    expect(addRefusal(rel("pipeline.yaml"), stages, tracked)).toContain("project file");
    expect(addRefusal(rel("data/raw.csv.dvc"), stages, tracked)).toContain("tracking file");
    expect(addRefusal(rel("data/images/cat.png"), stages, tracked)).toContain("already tracked by data/images.dvc");
    expect(addRefusal(rel(""), stages, tracked)).toContain("project root");
  });

  it("allows new data and re-adding a tracked path", () => {
    expect(addRefusal(rel("data/raw.csv"), stages, tracked)).toBeNull();
    expect(addRefusal(rel("data/images"), stages, tracked)).toBeNull();
  });

  it("a tracked path that a stage declares as an out is an error naming both files", () => {
    const loc = { file: "data/clean.csv.dvc", line: 2, col: 3 };
    const [d, ...rest] = trackedConflicts(stages, [{ path: rel("data/clean.csv"), file: rel("data/clean.csv.dvc"), loc }]);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: "duplicate-output", location: loc });
    expect(d?.message).toContain("data/clean.csv.dvc");
    expect(d?.message).toContain("pipeline.yaml");
    expect(d?.related?.[0]?.location.file).toBe("pipeline.yaml");
  });
});
