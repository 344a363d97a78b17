// metrics/params diff over a project with several pipelines: a git revision's side collects every
// pipeline file of that commit, as the workspace side collects them from the tree.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metrics } from "../../../src/cli/commands/metrics.js";
import { params } from "../../../src/cli/commands/params.js";
import { git, makeProject, runCommand, write } from "./rig.js";

describe("comparing revisions of a project with a sub-pipeline", () => {
  let root: string;
  beforeAll(() => {
    root = makeProject({ git: true });
    write(root, "sub/dvc.yaml", "stages:\n  score:\n    cmd: echo\n    params: [k]\n    metrics:\n      - score.json:\n          cache: false\n");
    write(root, "sub/params.yaml", "k: 1\n");
    write(root, "sub/score.json", JSON.stringify({ auc: 0.5 }));
    git(root, "add", "-A");
    git(root, "commit", "-q", "-m", "sub pipeline");
    git(root, "tag", "v1");
    write(root, "sub/score.json", JSON.stringify({ auc: 0.75 }));
    write(root, "sub/params.yaml", "k: 2\n");
    git(root, "commit", "-q", "-am", "better");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("metrics diff between two revisions reads the sub-pipeline's metrics at each", async () => {
    const r = await runCommand(metrics, ["diff", "v1", "HEAD", "--json"], root);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ "sub/score.json": { auc: { old: 0.5, new: 0.75, diff: 0.25 } } });
  });

  it("params diff does too", async () => {
    const r = await runCommand(params, ["diff", "v1", "HEAD", "--json"], root);
    expect(JSON.parse(r.stdout)).toEqual({ "sub/params.yaml": { k: { old: 1, new: 2, diff: 1 } } });
  });
});
