// Collecting a project's tracking files: the pipeline walk's rules (dot-folders, node_modules and
// root-.gitignore'd folders skipped, a tracked folder never entered), bad files as diagnostics,
// paths tracked twice, and where a data-only project's root is.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digestString } from "../../../src/hashing/index.js";
import { collectTracked, findDataRoot, findRoot, listTrackingFiles, trackedDigests } from "../../../src/index.js";
import { trackingText } from "../../../src/tracked/index.js";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pipe-tracked-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (rel: string, text: string): void => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
};
const md5Form = (path: string): string => `outs:\n- md5: 22a1a2931c8370d3aeedd7183606fd7f\n  size: 3\n  hash: md5\n  path: ${path}\n`;

describe("listTrackingFiles", () => {
  it("walks as the pipeline collection does and does not enter tracked folders", () => {
    write("top.csv.dvc", md5Form("top.csv"));
    write("data/raw.csv.dvc", md5Form("raw.csv"));
    write("data/images.dvc", md5Form("images"));
    write("data/images/inner.dvc", md5Form("inner"));
    write("node_modules/pkg/x.dvc", md5Form("x"));
    write(".hidden/y.dvc", md5Form("y"));
    write("scratch/z.dvc", md5Form("z"));
    write(".gitignore", "scratch/\n");
    write(".dvc/config", "");
    expect(listTrackingFiles(root)).toEqual(["top.csv.dvc", "data/images.dvc", "data/raw.csv.dvc"]);
  });
});

describe("collectTracked", () => {
  it("parses every file, reports a bad one at its location and keeps the others", async () => {
    const info = { digest: digestString("abc"), size: 3, isDir: false };
    write("data/raw.csv.dvc", trackingText("raw.csv", info));
    write("data/old.csv.dvc", md5Form("old.csv"));
    write("data/bad.csv.dvc", "outs:\n- size: 3\n");
    const c = await collectTracked(root);
    expect(c.files).toEqual(["data/bad.csv.dvc", "data/old.csv.dvc", "data/raw.csv.dvc"]);
    expect(c.data.map((d) => [d.file, d.path, d.info?.digest ?? null])).toEqual([
      ["data/old.csv.dvc", "data/old.csv", null],
      ["data/raw.csv.dvc", "data/raw.csv", info.digest],
    ]);
    expect(c.diagnostics).toHaveLength(1);
    expect(c.diagnostics[0]?.location).toEqual({ file: "data/bad.csv.dvc", line: 2, col: 3 });
    expect(c.sources.get("data/bad.csv.dvc")).toBe("outs:\n- size: 3\n");
    expect([...trackedDigests(c.data)]).toEqual([info.digest]);
  });

  it("a path tracked by two files is an error naming both", async () => {
    write("data/raw.csv.dvc", md5Form("raw.csv"));
    write("other.dvc", md5Form("data/raw.csv"));
    const c = await collectTracked(root);
    expect(c.diagnostics).toHaveLength(1);
    expect(c.diagnostics[0]?.code).toBe("duplicate-output");
    expect(c.diagnostics[0]?.message).toContain("data/raw.csv.dvc");
    expect(c.diagnostics[0]?.message).toContain("other.dvc");
  });
});

describe("findDataRoot", () => {
  it("is findRoot's answer when there is a pipeline, else the nearest .pipe/ or .dvc/, else .git/", () => {
    mkdirSync(join(root, ".git"));
    mkdirSync(join(root, "proj/.dvc"), { recursive: true });
    mkdirSync(join(root, "proj/data/deep"), { recursive: true });
    mkdirSync(join(root, "other/sub"), { recursive: true });
    expect(findRoot(join(root, "proj/data/deep"))).toBeNull();
    expect(findDataRoot(join(root, "proj/data/deep"))).toBe(join(root, "proj"));
    expect(findDataRoot(join(root, "other/sub"))).toBe(root);
    write("other/pipeline.yaml", "stages: {}\n");
    expect(findDataRoot(join(root, "other/sub"))).toBe(join(root, "other"));
  });
});
