// nodeConfigFs against a real temp folder: missing files read as null, loadPipeline end to end.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { findPipelineFile, loadPipeline, nodeConfigFs } from "../../../src/config/index.js";

const dir = mkdtempSync(join(tmpdir(), "pipe-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("reads files, null for missing ones and folders", () => {
  writeFileSync(join(dir, "a.txt"), "hi");
  mkdirSync(join(dir, "sub"));
  expect(nodeConfigFs.readText(join(dir, "a.txt"))).toBe("hi");
  expect(nodeConfigFs.readText(join(dir, "nope.txt"))).toBeNull();
  expect(nodeConfigFs.readText(join(dir, "sub"))).toBeNull();
  expect(nodeConfigFs.readText(join(dir, "a.txt", "x"))).toBeNull();
  expect(nodeConfigFs.exists(join(dir, "a.txt"))).toBe(true);
  expect(nodeConfigFs.exists(join(dir, "nope.txt"))).toBe(false);
});

test("loads a pipeline from disk by default", () => {
  writeFileSync(join(dir, "dvc.yaml"), "stages:\n  a:\n    cmd: echo ${n}\n    params: [n]\n");
  writeFileSync(join(dir, "params.yaml"), "n: 3\n");
  expect(findPipelineFile(dir)).toBe("dvc.yaml");
  const r = loadPipeline(dir);
  expect(r.ok && r.value.stages[0]!.cmd).toEqual(["echo 3"]);
  expect(r.ok && r.value.root).toBe(dir);
});
