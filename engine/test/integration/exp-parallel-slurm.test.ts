// `pipe exp run --run-all -j N --executor slurm` on the one-node local Slurm cluster: each queued
// experiment, in its own workspace, runs its stages as jobs; the marks each stage writes (outside
// the project) carry SLURM_JOB_ID and times, so jobs and their overlap are seen, not assumed.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Rig } from "../helpers/rig.js";
import { describeWith } from "../services/needs.js";
import { slurmAvailable, startSlurm, type SlurmService } from "../services/slurm.js";

const PIPELINE = `stages:
  train:
    cmd: node train.mjs
    deps: [train.mjs]
    params: [lr]
    metrics:
      - metrics.json:
          cache: false
`;

const TRAIN = `import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
const lr = /^lr: (\\S+)/m.exec(readFileSync("params.yaml", "utf8"))[1];
const mark = (event) => appendFileSync(process.env.MARKS_FILE, JSON.stringify({ lr, event, t: Date.now(), job: process.env.SLURM_JOB_ID ?? null }) + "\\n");
mark("start");
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
writeFileSync("metrics.json", JSON.stringify({ score: Math.round(Number(lr) * 10) }) + "\\n");
mark("end");
`;

interface Mark {
  readonly lr: string;
  readonly event: "start" | "end";
  readonly t: number;
  readonly job: string | null;
}

describeWith("pipe exp run --run-all -j 2 --executor slurm", slurmAvailable(), "Debian's slurmctld, slurmd and munge, run as root", () => {
  let slurm: SlurmService;
  let rig: Rig;
  let marksDir: string;
  beforeAll(() => {
    slurm = startSlurm();
    rig = new Rig("pipe-exp-slurm-");
    marksDir = mkdtempSync(join(tmpdir(), "pipe-exp-slurm-marks-"));
    rig.write("pipeline.yaml", PIPELINE).write("params.yaml", "lr: 0.1\n").write("train.mjs", TRAIN).write(".gitignore", "metrics.json\n");
    const g = (...args: string[]): string => execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: rig.dir, encoding: "utf8" });
    g("init", "-q");
    g("add", ".");
    g("commit", "-qm", "init");
    process.env.MARKS_FILE = join(marksDir, "marks.jsonl");
  }, 90_000);
  afterAll(() => {
    rig?.cleanup();
    if (marksDir) rmSync(marksDir, { recursive: true, force: true });
    slurm?.stop();
  });

  it("runs each experiment's stages as Slurm jobs, two experiments at once, each recorded", () => {
    expect(rig.pipe("exp", "run", "--queue", "-S", "lr=0.2,0.3").code).toBe(0);
    const r = rig.pipe("exp", "run", "--run-all", "-j", "2", "--executor", "slurm");
    expect(r.stderr).toContain("2 queued experiments run, 0 failed");
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[exp-[0-9a-f]+\] > train: submitted as job \d+/);

    const path = join(marksDir, "marks.jsonl");
    const marks = existsSync(path)
      ? readFileSync(path, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Mark)
      : [];
    const span = (lr: string): [number, number, string | null] => {
      const s = marks.find((m) => m.lr === lr && m.event === "start");
      const e = marks.find((m) => m.lr === lr && m.event === "end");
      return [s?.t ?? 0, e?.t ?? 0, s?.job ?? null];
    };
    const [s2, e2, job2] = span("0.2");
    const [s3, e3, job3] = span("0.3");
    // each ran inside a job (SLURM_JOB_ID set), two different jobs
    expect(job2).toMatch(/^\d+$/);
    expect(job3).toMatch(/^\d+$/);
    expect(job2).not.toBe(job3);
    expect(s2 < e2 && s3 < e3).toBe(true);
    // both experiments were in flight at once: both jobs submitted before either experiment finished
    // (whether the cluster runs them at once depends on its free CPUs, which other suites share)
    const lines = r.stderr.split("\n");
    const submitted = lines.map((l, i) => (/submitted as job/.test(l) ? i : -1)).filter((i) => i >= 0);
    const firstDone = lines.findIndex((l) => /\] done: /.test(l));
    expect(submitted).toHaveLength(2);
    expect(Math.max(...submitted)).toBeLessThan(firstDone);

    const rows = JSON.parse(rig.pipe("exp", "show", "--json").stdout) as {
      status: string;
      params: Record<string, Record<string, unknown>>;
      metrics: Record<string, Record<string, unknown>>;
    }[];
    const scores = rows.map((row) => [row.params["params.yaml"]?.["lr"], row.metrics["metrics.json"]?.["score"], row.status]);
    expect(scores.sort()).toEqual([
      [0.2, 2, "success"],
      [0.3, 3, "success"],
    ]);
    expect(rig.read("params.yaml")).toBe("lr: 0.1\n");
    expect(readdirSync(rig.path(".pipe/exp/workspaces"))).toEqual([]);
  });
});
