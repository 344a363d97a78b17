import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plots } from "../../../src/cli/commands/plots.js";
import { git, makeProject, runCommand, write } from "./rig.js";

describe("pipe plots", () => {
  let root: string;
  beforeAll(() => {
    root = makeProject({ git: true });
    write(root, "plots/curve.csv", "epoch,loss\n1,0.8\n2,0.4\n3,0.3\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("show writes one self-contained HTML report and prints its path", async () => {
    const r = await runCommand(plots, ["show"], root);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(".pipe/plots/index.html\n");
    const html = readFileSync(join(root, ".pipe/plots/index.html"), "utf8");
    expect(html).toContain("<svg");
    expect(html).toContain("<polyline");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it("diff overlays HEAD and the workspace, -o chooses the file", async () => {
    const r = await runCommand(plots, ["diff", "-o", "out/report.html"], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("out/report.html\n");
    const html = readFileSync(join(root, "out/report.html"), "utf8");
    expect(html.match(/<polyline/g)).toHaveLength(2);
    expect(html).toContain("Compared: HEAD, workspace");
  });

  it("bad data and unknown revisions are one-line errors", async () => {
    const bad = await runCommand(plots, ["diff", "nope"], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('pipe plots diff: unknown revision or experiment "nope"\n');
    write(root, "plots/curve.csv", 'epoch,loss\n1,"unterminated\n');
    const r = await runCommand(plots, ["show"], root);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(root, ".pipe/plots/index.html"))).toBe(true);
    git(root, "checkout", "--", "plots/curve.csv");
  });
});
