// `pipe repro --executor slurm` on a real one-node Slurm (scripts/slurm-cluster.sh, started once for
// this file): a diamond whose middle stages run as concurrent jobs, a failing job, a job over its
// time limit, Ctrl-C cancelling running jobs, a SIGKILLed pipe's job cancelled by the next repro,
// and a local repro finding everything fresh afterwards.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Rig, waitFor } from "../../helpers/rig.js";
import { describeWith } from "../../services/needs.js";
import { jobInfo, slurmAvailable, startSlurm, type SlurmService } from "../../services/slurm.js";

const CONFIG = `[core]
    executor = slurm
['resources "slow"']
    time = 1
`;

/** Stays in its job until cancelled; on this machine (no SLURM_JOB_ID) it finishes at once. */
const HOLD = `if [ -n "$SLURM_JOB_ID" ]; then echo holding; sleep 300; fi`;

function rig(pipeline: string): Rig {
  return new Rig("pipe-slurm-").write("pipeline.yaml", pipeline).write(".pipe/config", CONFIG);
}

const jobIds = (text: string): Map<string, string> =>
  new Map([...text.matchAll(/> (\S+): submitted as job (\d+)/g)].map((m) => [m[1] as string, m[2] as string]));
const records = (r: Rig): string[] => (r.exists(".cache/slurm/jobs") ? readdirSync(r.path(".cache/slurm/jobs")) : []);
const state = (id: string): string => jobInfo(id).get("JobState") ?? "";
const running = (id: string): boolean => spawnSync("squeue", ["-h", "-j", id, "-o", "%T"], { encoding: "utf8" }).stdout.trim() === "RUNNING";

describeWith("pipe repro --executor slurm on a local Slurm cluster", slurmAvailable(), "Debian's slurmctld, slurmd and munge, run as root", () => {
  let slurm: SlurmService;
  const rigs: Rig[] = [];
  beforeAll(() => {
    slurm = startSlurm();
  }, 90_000);
  afterAll(() => {
    for (const r of rigs) r.cleanup();
    slurm?.stop();
  });

  it("runs a diamond as jobs, the two middle ones at once, then a local repro finds it fresh", () => {
    const r = rig(`stages:
  first:
    cmd: echo first >> log.txt && echo 1 > first.txt
    outs: [first.txt]
  left:
    cmd: sleep 3 && echo left >> log.txt && cat first.txt > left.txt
    deps: [first.txt]
    outs: [left.txt]
  right:
    cmd: sleep 3 && echo right >> log.txt && cat first.txt > right.txt
    deps: [first.txt]
    outs: [right.txt]
  last:
    cmd: echo last >> log.txt && cat left.txt right.txt > last.txt
    deps: [left.txt, right.txt]
    outs: [last.txt]
`);
    rigs.push(r);
    const run = r.pipe("repro", "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; stage?: string; jobId?: string; outcome?: string });
    const ids = new Map(events.filter((e) => e.type === "stage-job").map((e) => [e.stage as string, e.jobId as string]));
    expect([...ids.keys()].sort()).toEqual(["first", "last", "left", "right"]);
    // No -j: no cap on jobs in flight (Slurm queues what it cannot start).
    expect(events.find((e) => e.type === "plan")).toMatchObject({ jobs: 4 });
    expect(events.filter((e) => e.type === "stage-done").map((e) => e.outcome)).toEqual(["ran", "ran", "ran", "ran"]);
    // Slurm's own record: scontrol keeps finished jobs for MinJobAge (sacct needs slurmdbd, which this
    // cluster has not: it answers "Slurm accounting storage is disabled"). The middle jobs overlapped.
    const left = jobInfo(ids.get("left") as string);
    const right = jobInfo(ids.get("right") as string);
    expect([left.get("JobState"), right.get("JobState")]).toEqual(["COMPLETED", "COMPLETED"]);
    const t = (m: Map<string, string>, k: string): number => Date.parse(m.get(k) as string);
    expect(t(left, "StartTime")).toBeLessThan(t(right, "EndTime"));
    expect(t(right, "StartTime")).toBeLessThan(t(left, "EndTime"));
    expect(r.read("last.txt")).toBe("1\n1\n");
    expect(records(r)).toEqual([]);

    // A stage whose outputs the run cache has submits nothing.
    r.remove("left.txt");
    const restored = r.pipe("repro");
    expect(restored.code).toBe(0);
    expect(restored.stderr).not.toContain("submitted as job");
    expect(restored.stderr).toContain("+ left: restored from cache");

    r.clearLog();
    const local = r.pipe("repro", "--executor", "local");
    expect(local.code).toBe(0);
    expect(local.stderr).toContain("0 ran, 0 restored, 4 fresh");
    expect(r.log()).toEqual([]);
    expect(r.pipe("status").stdout).toBe("Data and pipeline are up to date.\n");
  }, 120_000);

  it("fails a stage whose job fails, naming the job, its state, exit code and last log lines", () => {
    const r = rig(`stages:
  ok:
    cmd: echo fine > ok.txt
    outs: [ok.txt]
  bad:
    cmd: 'echo preparing && echo "boom: no such column" >&2 && exit 3'
    deps: [ok.txt]
    outs: [bad.txt]
`);
    rigs.push(r);
    const run = r.pipe("repro");
    expect(run.code).toBe(1);
    const id = jobIds(run.stderr).get("bad") as string;
    expect(run.stderr).toContain("[bad] preparing");
    expect(run.stderr).toContain(`! bad: failed after`);
    expect(run.stderr).toContain(`Slurm job ${id} ended FAILED, exit code 3; log .cache/slurm/logs/bad.${id}.log; last lines:`);
    expect(run.stderr).toContain("    | boom: no such column");
    expect(state(id)).toBe("FAILED");
    expect(r.read("pipeline.lock")).toContain("ok:");
    expect(r.read("pipeline.lock")).not.toContain("bad:");
    expect(records(r)).toEqual([]);
  }, 120_000);

  it("fails a job over its time limit as TIMEOUT", async () => {
    const r = rig(`stages:
  slow:
    cmd: echo started && sleep 600 && echo never > slow.txt
    outs: [slow.txt]
`);
    rigs.push(r);
    // Slurm's limits are in minutes: this takes one to one and a half (spawned, so vitest's worker is not blocked).
    const run = await r.spawnPipe("repro").exited;
    expect(run.code).toBe(1);
    const id = jobIds(run.stderr).get("slow") as string;
    expect(run.stderr).toContain(`> slow: submitted as job ${id} (time=1)`);
    expect(run.stderr).toMatch(new RegExp(`Slurm job ${id} ended TIMEOUT`));
    expect(run.stderr).toContain("    | started");
    expect(state(id)).toBe("TIMEOUT");
    expect(r.exists("pipeline.lock")).toBe(false);
  }, 150_000);

  it("cancels every running job on Ctrl-C and records nothing for them", async () => {
    const r = rig(`stages:
  one:
    cmd: ${JSON.stringify(`${HOLD}; echo one > one.txt`)}
    outs: [one.txt]
  two:
    cmd: ${JSON.stringify(`${HOLD}; echo two > two.txt`)}
    outs: [two.txt]
`);
    rigs.push(r);
    const pipe = r.spawnPipe("repro");
    await waitFor(() => jobIds(pipe.output().stderr).size === 2, 30_000, "two jobs submitted");
    const ids = [...jobIds(pipe.output().stderr).values()];
    await waitFor(() => ids.every(running), 30_000, "both jobs running");
    expect(records(r).sort()).toEqual(ids.map((id) => `${id}.json`).sort());
    pipe.child.kill("SIGINT");
    const done = await pipe.exited;
    expect(done.code).toBe(130);
    expect(ids.map(state)).toEqual(["CANCELLED", "CANCELLED"]);
    expect(r.exists("pipeline.lock")).toBe(false);
    expect(records(r)).toEqual([]);
  }, 120_000);

  it("cancels the job of a pipe killed with SIGKILL before the next repro records anything", async () => {
    const r = rig(`stages:
  train:
    cmd: ${JSON.stringify(`${HOLD}; echo model > model.txt`)}
    outs: [model.txt]
`);
    rigs.push(r);
    const pipe = r.spawnPipe("repro");
    await waitFor(() => jobIds(pipe.output().stderr).size === 1, 30_000, "the job submitted");
    const id = jobIds(pipe.output().stderr).get("train") as string;
    await waitFor(() => running(id), 30_000, "the job running");
    pipe.child.kill("SIGKILL");
    await pipe.exited;
    expect(records(r)).toEqual([`${id}.json`]);
    expect(running(id)).toBe(true);

    const next = r.pipe("repro", "--executor", "local");
    expect(next.stderr).toContain(
      `pipe repro: cancelled Slurm job ${id} (stage 'train'), left RUNNING by a pipe that was killed; this run makes its outputs anew`,
    );
    expect(next.code).toBe(0);
    expect(state(id)).toBe("CANCELLED");
    expect(records(r)).toEqual([]);
    expect(r.read("model.txt")).toBe("model\n");
    expect(existsSync(r.path("pipeline.lock"))).toBe(true);
    expect(r.pipe("repro", "--executor", "local").stderr).toContain("0 ran");
  }, 120_000);
});
