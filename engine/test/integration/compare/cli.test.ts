// The real CLI as a subprocess (needs `npm run build`; skipped until dist/ has these commands).
import { execFile, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, makeProject, PARAMS, write } from "./rig.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const bin = join(repoRoot, "bin/pipe.js");
const built = existsSync(join(repoRoot, "dist/engine/src/cli/commands/exp.js"));

function pipe(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, CI: "1" } }, (e, stdout, stderr) =>
      resolve({ code: e ? (typeof e.code === "number" ? e.code : 1) : 0, stdout, stderr }),
    ),
  );
}

describe.skipIf(!built)("pipe CLI (subprocess)", () => {
  let root: string;
  beforeAll(() => {
    root = makeProject({ git: true });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("repro records an experiment; metrics diff compares HEAD with the workspace", async () => {
    const r = await pipe(root, "repro");
    expect(r.code).toBe(0);
    const show = await pipe(root, "exp", "show", "--json");
    expect(JSON.parse(show.stdout)).toHaveLength(1);
    const d = await pipe(root, "metrics", "diff", "--json");
    expect(d.code).toBe(0);
    // the stage rewrote eval.json: accuracy unchanged (hidden), other keys replaced
    expect(JSON.parse(d.stdout)).toEqual({
      "metrics/eval.json": {
        "test.f1_macro": { old: 0.7, new: null },
        "test.loss": { old: null, new: 0.32 },
        "train.loss": { old: 0.5, new: null },
      },
    });
  });

  it("exp run -S restores params.yaml; bad input is one line", async () => {
    const r = await pipe(root, "exp", "run", "-S", "train.lr=0.02", "--name", "lr02");
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, "params.yaml"), "utf8")).toBe(PARAMS);
    const bad = await pipe(root, "exp", "run", "-S", "train.nope=1");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('pipe exp run: unknown param key "train.nope" in params.yaml\n');
    const rev = await pipe(root, "metrics", "diff", "nope");
    expect(rev.stderr).toBe('pipe metrics diff: unknown revision "nope"\n');
    write(root, "metrics/eval.json", "{oops");
    const notJson = await pipe(root, "metrics", "show");
    expect(notJson.code).toBe(2);
    expect(notJson.stderr.trim().split("\n")).toHaveLength(1);
    git(root, "checkout", "--", "metrics/eval.json");
  });
});

describe.skipIf(!built)("pipe exp run interrupted", () => {
  it("Ctrl-C during the run puts params.yaml back", async () => {
    const root = makeProject({ git: false });
    try {
      write(root, "pipeline.yaml", 'stages:\n  slow:\n    cmd: node -e "setTimeout(() => {}, 20000)"\n    params: [train.lr]\n    outs: [never.txt]\n');
      const child = spawn(process.execPath, [bin, "exp", "run", "-S", "train.lr=0.5"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      // wait until the params file holds the override, then interrupt
      for (let i = 0; i < 100 && !readFileSync(join(root, "params.yaml"), "utf8").includes("0.5"); i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      child.kill("SIGINT");
      const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
      expect(code).not.toBe(0);
      expect(readFileSync(join(root, "params.yaml"), "utf8")).toBe(PARAMS);
      expect(stderr).not.toMatch(/at .*\.js:\d+/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
