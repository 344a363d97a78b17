import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exp } from "../../../src/cli/commands/exp.js";
import { metrics } from "../../../src/cli/commands/metrics.js";
import { params } from "../../../src/cli/commands/params.js";
import { makeProject, PARAMS, runCommand } from "./rig.js";

describe("pipe exp (outside git)", () => {
  let root: string;
  beforeAll(() => {
    root = makeProject({ git: false });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("runs with -S, records the experiment, restores params.yaml", async () => {
    const r = await runCommand(exp, ["run", "-S", "train.lr=0.05", "--name", "fast"], root);
    expect(r.stderr).toContain("experiment fast recorded (success)");
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, "params.yaml"), "utf8")).toBe(PARAMS);
    const show = await runCommand(exp, ["show", "--json"], root);
    const rows = JSON.parse(show.stdout) as {
      name: string;
      params: Record<string, Record<string, unknown>>;
      metrics: Record<string, Record<string, unknown>>;
      git: unknown;
    }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.name).toBe("fast");
    expect(rows[0]?.git).toBeNull();
    expect(rows[0]?.params["params.yaml"]).toEqual({ "train.batch_size": 32, "train.lr": 0.05 });
    expect(rows[0]?.metrics["metrics/eval.json"]?.["test.accuracy"]).toBe(0.85);
  });

  it("an unknown -S key is a one-line error and changes nothing", async () => {
    const r = await runCommand(exp, ["run", "-S", "train.lrr=0.1"], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('pipe exp run: unknown param key "train.lrr" in params.yaml\n');
  });

  it("outside git, metrics diff compares with the last recorded run", async () => {
    const r = await runCommand(metrics, ["diff", "--json"], root);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({});
    const p = await runCommand(params, ["diff", "--json"], root);
    expect(JSON.parse(p.stdout)).toEqual({ "params.yaml": { "train.lr": { old: 0.05, new: 0.01, diff: -0.04 } } });
  });

  it("queues a grid and runs it", async () => {
    const q = await runCommand(exp, ["run", "--queue", "-S", "train.lr=0.001,0.01", "-S", "train.batch_size=32,64"], root);
    expect(q.code).toBe(0);
    expect(q.stderr).toContain("4 experiments queued");
    const all = await runCommand(exp, ["run", "--run-all", "-j", "1"], root);
    expect(all.stderr).toContain("4 queued experiments run, 0 failed");
    expect(all.code).toBe(0);
    const show = await runCommand(exp, ["show", "--json"], root);
    const rows = JSON.parse(show.stdout) as { params: Record<string, Record<string, unknown>> }[];
    expect(rows.map((x) => [x.params["params.yaml"]?.["train.lr"], x.params["params.yaml"]?.["train.batch_size"]])).toEqual([
      [0.05, 32],
      [0.001, 32],
      [0.001, 64],
      [0.01, 32],
      [0.01, 64],
    ]);
    const sorted = await runCommand(exp, ["show", "--sort-by", "test.accuracy", "--sort-order", "desc"], root);
    expect(sorted.stdout.split("\n")[1]).toMatch(/^fast /);
    expect(readFileSync(join(root, "params.yaml"), "utf8")).toBe(PARAMS);
  });

  it("exp diff and exp apply (comments kept)", async () => {
    const d = await runCommand(exp, ["diff", "fast", "--json"], root);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout)).toMatchObject({ params: { "params.yaml": { "train.lr": { old: 0.05 } } } });
    const a = await runCommand(exp, ["apply", "fast"], root);
    expect(a.code).toBe(0);
    expect(readFileSync(join(root, "params.yaml"), "utf8")).toBe(PARAMS.replace("lr: 0.01 #", "lr: 0.05 #"));
    const missing = await runCommand(exp, ["apply", "nope"], root);
    expect(missing.stderr).toBe('pipe exp apply: unknown experiment "nope"\n');
  });
});
