import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metrics } from "../../../src/cli/commands/metrics.js";
import { params } from "../../../src/cli/commands/params.js";
import { git, makeProject, runCommand, write } from "./rig.js";

describe("metrics/params diff against git revisions", () => {
  let root: string;
  beforeAll(() => {
    root = makeProject({ git: true });
    git(root, "tag", "v1");
    write(root, "metrics/eval.json", JSON.stringify({ test: { accuracy: 0.84, f1_macro: 0.7 }, train: { loss: 0.4 } }));
    write(root, "params.yaml", "# training settings\ntrain:\n  lr: 0.001 # learning rate\n  batch_size: 32\n  epochs: 2\n");
    git(root, "commit", "-q", "-am", "second");
    // workspace edits
    write(root, "metrics/eval.json", JSON.stringify({ test: { accuracy: 0.9, f1_macro: 0.75 }, train: { loss: 0.4 } }));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("diffs HEAD against the workspace by default, hiding unchanged rows", async () => {
    const r = await runCommand(metrics, ["diff", "--json"], root);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      "metrics/eval.json": {
        "test.accuracy": { old: 0.84, new: 0.9, diff: 0.06 },
        "test.f1_macro": { old: 0.7, new: 0.75, diff: 0.05 },
      },
    });
  });

  it("diffs two revisions, with --all", async () => {
    const r = await runCommand(metrics, ["diff", "v1", "HEAD", "--all"], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "Path               Metric         v1    HEAD  Change",
        "metrics/eval.json  test.accuracy  0.81  0.84  0.03",
        "metrics/eval.json  test.f1_macro  0.7   0.7   0",
        "metrics/eval.json  train.loss     0.5   0.4   -0.1",
        "",
      ].join("\n"),
    );
  });

  it("prints a markdown table", async () => {
    const r = await runCommand(metrics, ["diff", "v1", "--md"], root);
    expect(r.stdout.split("\n")[0]).toBe("| Path | Metric | v1 | workspace | Change |");
    expect(r.stdout.split("\n")[1]).toBe("|---|---|---|---|---|");
  });

  it("shows the workspace metrics flattened", async () => {
    const r = await runCommand(metrics, ["show"], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("metrics/eval.json  test.f1_macro  0.75");
    const all = await runCommand(metrics, ["show", "--all-commits", "--json"], root);
    expect(Object.keys(JSON.parse(all.stdout) as object)).toHaveLength(3);
  });

  it("an unknown revision is a one-line error", async () => {
    const r = await runCommand(metrics, ["diff", "nope"], root);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain('unknown revision "nope"');
  });

  it("a file missing on one side shows -", async () => {
    git(root, "stash", "-q");
    git(root, "checkout", "-q", "-b", "nometrics", "v1");
    git(root, "rm", "-q", "metrics/eval.json");
    git(root, "commit", "-q", "-m", "drop metrics");
    git(root, "checkout", "-q", "main");
    git(root, "stash", "pop", "-q");
    const r = await runCommand(metrics, ["diff", "nometrics", "--json"], root);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ "metrics/eval.json": { "test.accuracy": { old: null, new: 0.9 } } });
    const plain = await runCommand(metrics, ["diff", "nometrics"], root);
    expect(plain.stdout).toContain("test.accuracy  -          0.9        -");
  });

  it("a metrics file that is not JSON is a one-line error", async () => {
    write(root, "metrics/eval.json", "{ not json");
    const r = await runCommand(metrics, ["show"], root);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("metrics/eval.json: not valid JSON");
    write(root, "metrics/eval.json", JSON.stringify({ test: { accuracy: 0.9, f1_macro: 0.75 }, train: { loss: 0.4 } }));
  });

  it("diffs the declared params", async () => {
    const r = await runCommand(params, ["diff", "v1", "--json"], root);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ "params.yaml": { "train.lr": { old: 0.01, new: 0.001, diff: -0.009 } } });
    const all = await runCommand(params, ["diff", "v1", "--all"], root);
    expect(all.stdout).toContain("params.yaml  train.batch_size  32    32         0");
    expect(all.stdout).not.toContain("epochs");
  });
});
