// Integration: moving a DVC project to pipe. A stage pipe has no lock entry for, whose cmd and
// params equal what dvc.lock records and whose every dep and out still has its recorded md5 (by
// DVC's rules), is fresh: `pipe repro` runs nothing and records it in pipe's own lock. The dvc.lock
// files here are written with md5s computed as DVC computes them (DVC 3 `hash: md5` items, a DVC 2
// item hashed md5-dos2unix from a CRLF text file, a directory's `.dir` md5, a sub-pipeline's own lock).
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { dirListingJson } from "../../src/dvc/index.js";
import { digestKind, type Digest } from "../../src/hashing/index.js";
import { Rig } from "../helpers/rig.js";

const md5 = (s: string): string => createHash("md5").update(s).digest("hex");
/** A directory's md5 as DVC computes it: over the `.dir` listing of its files' md5s. */
const dirMd5 = (files: Record<string, string>): string =>
  `${md5(dirListingJson(Object.entries(files).map(([relpath, text]) => ({ relpath, md5: md5(text) }))))}.dir`;

const RAW = "id,text\r\n1,hello\r\n2,world\r\n"; // committed from Windows: CRLF
const PREPARED = { "a.txt": "1,hello\n", "b.txt": "2,world\n" };
const PREPARE_CMD = "echo prepare >> log.txt && mkdir -p data/prepared && echo 1,hello > data/prepared/a.txt && echo 2,world > data/prepared/b.txt";
const TRAIN_CMD = "echo train >> log.txt && cat data/prepared/a.txt data/prepared/b.txt > model.txt";
const REPORT_CMD = "echo report >> ../log.txt && cat ../model.txt > report.txt";

let rig: Rig;
beforeEach(() => {
  rig = new Rig("pipe-from-dvc-");
  rig.write("data/raw.csv", RAW);
  rig.write("params.yaml", "train:\n  epochs: 3\n");
  rig.write(
    "dvc.yaml",
    [
      "stages:",
      "  prepare:",
      `    cmd: ${JSON.stringify(PREPARE_CMD)}`,
      "    deps: [data/raw.csv]",
      "    outs: [data/prepared]",
      "  train:",
      `    cmd: ${JSON.stringify(TRAIN_CMD)}`,
      "    deps: [data/prepared]",
      "    params: [train.epochs]",
      "    outs: [model.txt]",
      "",
    ].join("\n"),
  );
  // What `dvc repro` left: the outputs, and dvc.lock (prepare by DVC 2, train by DVC 3).
  rig.write("data/prepared/a.txt", PREPARED["a.txt"]);
  rig.write("data/prepared/b.txt", PREPARED["b.txt"]);
  rig.write("model.txt", "1,hello\n2,world\n");
  rig.write(
    "dvc.lock",
    [
      "schema: '2.0'",
      "stages:",
      "  prepare:",
      `    cmd: ${JSON.stringify(PREPARE_CMD)}`,
      "    deps:",
      "    - path: data/raw.csv",
      `      md5: ${md5(RAW.replaceAll("\r\n", "\n"))}`,
      `      size: ${RAW.length}`,
      "    outs:",
      "    - path: data/prepared",
      `      md5: ${dirMd5(PREPARED)}`,
      "      size: 16",
      "      nfiles: 2",
      "  train:",
      `    cmd: ${JSON.stringify(TRAIN_CMD)}`,
      "    deps:",
      "    - path: data/prepared",
      "      hash: md5",
      `      md5: ${dirMd5(PREPARED)}`,
      "      size: 16",
      "      nfiles: 2",
      "    params:",
      "      params.yaml:",
      "        train.epochs: 3",
      "    outs:",
      "    - path: model.txt",
      "      hash: md5",
      `      md5: ${md5("1,hello\n2,world\n")}`,
      "      size: 16",
      "",
    ].join("\n"),
  );
  // A sub-pipeline with its own dvc.lock, paths relative to its folder.
  rig.write("reports/dvc.yaml", `stages:\n  report:\n    cmd: ${JSON.stringify(REPORT_CMD)}\n    deps: [../model.txt]\n    outs: [report.txt]\n`);
  rig.write("reports/report.txt", "1,hello\n2,world\n");
  rig.write(
    "reports/dvc.lock",
    [
      "schema: '2.0'",
      "stages:",
      "  report:",
      `    cmd: ${JSON.stringify(REPORT_CMD)}`,
      "    deps:",
      "    - path: ../model.txt",
      "      hash: md5",
      `      md5: ${md5("1,hello\n2,world\n")}`,
      "    outs:",
      "    - path: report.txt",
      "      hash: md5",
      `      md5: ${md5("1,hello\n2,world\n")}`,
      "",
    ].join("\n"),
  );
});
afterEach(() => rig.cleanup());

const lockHashes = (text: string): string[] =>
  Object.values((parse(text) as { stages: Record<string, { deps?: { hash: string }[]; outs?: { hash: string }[] }> }).stages).flatMap((e) =>
    [...(e.deps ?? []), ...(e.outs ?? [])].map((i) => i.hash),
  );

describe("a project DVC ran (dvc.lock, no pipeline.lock)", () => {
  it("is up to date: status and --dry say so, repro runs nothing and writes pipe's locks", () => {
    expect(rig.pipe("status").stdout).toContain("up to date");
    const dry = rig.pipe("repro", "--all-pipelines", "--dry");
    expect(dry.stdout).not.toContain("would run");
    const r = rig.pipe("repro", "--all-pipelines");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("0 ran, 0 restored, 3 fresh");
    expect(rig.log()).toEqual([]);
    expect(rig.exists("pipeline.lock") && rig.exists("reports/pipeline.lock")).toBe(true);
    const hashes = [...lockHashes(rig.read("pipeline.lock")), ...lockHashes(rig.read("reports/pipeline.lock"))];
    expect(hashes.length).toBe(6);
    expect(hashes.every((h) => digestKind(h as Digest) === "blake3")).toBe(true);
    // Now pipe's own: a deleted output comes back from pipe's cache.
    rig.remove("model.txt");
    const again = rig.pipe("repro");
    expect(again.stderr).toContain("1 restored");
    expect(rig.log()).toEqual([]);
  });

  it("runs a stage whose dep no longer has its recorded md5, and what depends on it", () => {
    rig.write("data/raw.csv", RAW + "3,again\r\n");
    const status = JSON.parse(rig.pipe("status", "--json").stdout) as Record<string, unknown>;
    expect(status.prepare).toEqual([{ kind: "dep-modified", path: "data/raw.csv" }]);
    expect(status.train).toBeUndefined();
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.log()).toEqual(["prepare"]); // prepare writes the same outputs: train stays fresh
    rig.clearLog();
    rig.write("params.yaml", "train:\n  epochs: 4\n");
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.log()).toEqual(["train"]);
  });

  it("takes an edited command as a change", () => {
    rig.write("dvc.yaml", rig.read("dvc.yaml").replace("cat data/prepared/a.txt data/prepared/b.txt", "cat data/prepared/b.txt data/prepared/a.txt"));
    expect(rig.pipe("repro").code).toBe(0);
    expect(rig.log()).toEqual(["train"]);
  });
});
