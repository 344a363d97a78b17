// The Slurm executor's decisions against a fake cluster: what it submits, how it follows a job,
// how each end state maps to a result, Ctrl-C, and the job records it leaves or removes.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunEventBody } from "../../../src/events/index.js";
import type { StageJob } from "../../../src/exec/index.js";
import { slurmExecutor, type SlurmResources } from "../../../src/exec/slurm/index.js";
import { stage } from "../../helpers/stages.js";
import { FakeCluster, type JobLife } from "./fake-cluster.js";

let root: string;
let cluster: FakeCluster;
let events: RunEventBody[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "pipe-slurm-unit-"));
  cluster = new FakeCluster();
  events = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function executor(resources: SlurmResources = {}) {
  return slurmExecutor({
    root,
    runId: "run1",
    resourcesFor: () => resources,
    runner: cluster.runner,
    emit: (e) => events.push(e),
    timing: { minMs: 1, maxMs: 1 },
    cancelWaitMs: 2000,
  });
}

function job(name: string, opts: { cmd?: string; signal?: AbortSignal; lines?: string[] } = {}): StageJob {
  const lines = opts.lines ?? [];
  return {
    stage: stage(name, { cmd: opts.cmd ?? `echo ${name}`, outs: [`${name}.txt`], env: { SEED: "1" } }),
    cwd: root,
    env: { PATH: "/usr/bin:/bin", PIPE_ROOT: root, PIPE_STAGE: name, SEED: "1", HOME: "/root" },
    signal: opts.signal ?? new AbortController().signal,
    onLine: (_stream, line) => lines.push(line),
  };
}

const run = (life: JobLife, resources: SlurmResources = {}, lines: string[] = []) => {
  cluster.lives.push(life);
  return executor(resources).run(job("train", { lines }));
};

const records = (): string[] => (existsSync(join(root, ".cache/slurm/jobs")) ? readdirSync(join(root, ".cache/slurm/jobs")) : []);

describe("slurm executor", () => {
  it("submits the stage with its resources and environment, streams its output, and succeeds on COMPLETED", async () => {
    const lines: string[] = [];
    const result = await run(
      { states: ["PENDING", "RUNNING", "RUNNING", "COMPLETED"], lines: ["epoch 1", "epoch 2"] },
      { cpus: 4, mem: "8G", gpus: "1", time: "30", partition: "gpu", sbatch: ["--constraint=a100"] },
      lines,
    );
    expect(result).toBeNull();
    expect(lines).toEqual(["epoch 1", "epoch 2"]);
    const submit = cluster.jobs.get("100");
    expect(submit?.args).toEqual(
      expect.arrayContaining([
        "--parsable",
        "--job-name=train",
        `--chdir=${root}`,
        "--cpus-per-task=4",
        "--mem=8G",
        "--gres=gpu:1",
        "--time=30",
        "--partition=gpu",
        "--constraint=a100",
        `--output=${join(root, ".cache/slurm/logs/train.%j.log")}`,
      ]),
    );
    expect(submit?.env?.SEED).toBe("1");
    expect(events).toEqual([
      {
        type: "stage-job",
        stage: "train",
        executor: "slurm",
        jobId: "100",
        resources: "cpus=4 mem=8G gpus=1 time=30 partition=gpu --constraint=a100",
        log: ".cache/slurm/logs/train.100.log",
      },
    ]);
    // Ended: its record and script are gone, its log stays.
    expect(records()).toEqual([]);
    expect(readdirSync(join(root, ".cache/slurm/scripts"))).toEqual([]);
    expect(readFileSync(join(root, ".cache/slurm/logs/train.100.log"), "utf8")).toBe("epoch 1\nepoch 2\n");
  });

  it("fails a FAILED job with its id, state, exit code and the last lines of its log", async () => {
    const lines = Array.from({ length: 14 }, (_, i) => `line ${i + 1}`);
    const result = await run({ states: [...lines.map(() => "RUNNING"), "FAILED"], lines, exitCode: "3:0" });
    expect(result).toEqual({
      kind: "slurm-job",
      jobId: "100",
      state: "FAILED",
      exitCode: 3,
      signal: 0,
      log: ".cache/slurm/logs/train.100.log",
      tail: lines.slice(4),
    });
  });

  it.each([
    ["TIMEOUT", "0:15"],
    ["OUT_OF_MEMORY", "0:125"],
    ["NODE_FAIL", "0:0"],
    ["CANCELLED", "0:15"],
  ])("maps %s to a failed stage", async (state, exit) => {
    const result = await run({ states: ["RUNNING", state], exitCode: exit });
    expect(result).toMatchObject({ kind: "slurm-job", jobId: "100", state });
  });

  it("asks sacct when scontrol has forgotten the job, and says UNKNOWN when neither knows it", async () => {
    expect(await run({ states: ["RUNNING", "GONE"], scontrolKeeps: false, sacct: "COMPLETED|0:0" })).toBeNull();
    expect(await run({ states: ["RUNNING", "GONE"], scontrolKeeps: false })).toMatchObject({ kind: "slurm-job", state: "UNKNOWN", exitCode: null });
  });

  it("reports sbatch's refusal as the stage's failure, and leaves no record", async () => {
    cluster.sbatchError = "invalid partition specified: gpu";
    expect(await executor().run(job("train"))).toEqual({ kind: "slurm-submit", error: "sbatch: error: invalid partition specified: gpu" });
    expect(records()).toEqual([]);
  });

  it("follows several jobs with one squeue per look", async () => {
    cluster.lives.push({ states: ["RUNNING", "RUNNING", "COMPLETED"] }, { states: ["RUNNING", "RUNNING", "COMPLETED"] });
    const ex = executor();
    const results = await Promise.all([ex.run(job("a")), ex.run(job("b"))]);
    expect(results).toEqual([null, null]);
    const squeues = cluster.calls.filter((c) => c.command === "squeue").map((c) => c.args.find((a) => a.startsWith("--jobs=")));
    expect(squeues).toContain("--jobs=100,101");
  });

  it("cancels its job on Ctrl-C, waits for it to end, and returns interrupted", async () => {
    const abort = new AbortController();
    cluster.lives.push({ states: ["RUNNING"] });
    const running = executor().run(job("train", { signal: abort.signal }));
    await new Promise((r) => setTimeout(r, 20));
    expect(records()).toEqual(["100.json"]);
    abort.abort();
    expect(await running).toEqual({ kind: "interrupted" });
    expect(cluster.calls.some((c) => c.command === "scancel" && c.args[0] === "100")).toBe(true);
    expect(records()).toEqual([]);
  });

  it("keeps the job record while the job runs, naming the stage, its outs and this process", async () => {
    cluster.lives.push({ states: ["RUNNING", "RUNNING", "RUNNING", "COMPLETED"] });
    const running = executor().run(job("train"));
    await new Promise((r) => setTimeout(r, 1));
    const record = JSON.parse(readFileSync(join(root, ".cache/slurm/jobs/100.json"), "utf8")) as Record<string, unknown>;
    expect(record).toMatchObject({ jobId: "100", stage: "train", runId: "run1", outs: ["train.txt"], log: ".cache/slurm/logs/train.100.log" });
    expect((record.holder as { pid: number }).pid).toBe(process.pid);
    expect(await running).toBeNull();
  });

  it("gives a job up as UNKNOWN after squeue kept failing, and keeps its record for the next run", async () => {
    cluster.squeueDown = true;
    const ex = slurmExecutor({
      root,
      runId: "r",
      resourcesFor: () => ({}),
      runner: cluster.runner,
      emit: () => {},
      timing: { minMs: 1, maxMs: 1 },
    });
    expect(await ex.run(job("train"))).toMatchObject({ kind: "slurm-job", state: "UNKNOWN" });
    expect(records()).toEqual(["100.json"]);
  });
});
