// Jobs a killed pipe left: what is done with each record (pure), and the recovery against a fake
// cluster: cancelled while queued or running, forgotten once ended, left while its pipe lives.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { holderOf } from "../../../src/files/holder.js";
import { recoverStrayJobs, strayAction } from "../../../src/exec/slurm/index.js";
import { writeRecord } from "../../../src/exec/slurm/records.js";
import { FakeCluster } from "./fake-cluster.js";

describe("strayAction", () => {
  it("leaves the jobs of a live pipe (or one on another host), forgets ended ones, cancels the rest", () => {
    expect(strayAction("alive", "RUNNING")).toBe("leave");
    expect(strayAction("elsewhere", "RUNNING")).toBe("leave");
    expect(strayAction("dead", "RUNNING")).toBe("cancel");
    expect(strayAction("dead", "PENDING")).toBe("cancel");
    expect(strayAction("dead", "COMPLETED")).toBe("forget");
    expect(strayAction("dead", undefined)).toBe("forget");
  });
});

describe("recoverStrayJobs", () => {
  let root: string;
  let cluster: FakeCluster;
  let lines: string[];
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "pipe-slurm-strays-"));
    cluster = new FakeCluster();
    lines = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A job in the fake cluster and its record, as a run killed with SIGKILL leaves it. */
  async function leftBehind(states: string[], pid = 999_999): Promise<string> {
    cluster.lives.push({ states });
    const id = (await cluster.runner("sbatch", ["--output=/dev/null", "x.sh"])).stdout.trim();
    writeRecord(root, {
      jobId: id,
      stage: "train",
      runId: "r0",
      outs: ["model.bin"],
      holder: { ...holderOf(process.pid, "t"), pid },
      submittedAt: "",
      log: "",
    });
    return id;
  }
  const recover = () =>
    recoverStrayJobs({
      root,
      runner: cluster.runner,
      say: (l) => lines.push(l),
      liveness: (r) => (r.holder.pid === process.pid ? "alive" : "dead"),
      sleep: () => Promise.resolve(),
    });
  const recorded = (id: string) => existsSync(join(root, ".cache/slurm/jobs", `${id}.json`));

  it("does nothing (asks Slurm nothing) when no records are there", async () => {
    expect(await recover()).toBeNull();
    expect(cluster.calls).toEqual([]);
  });

  it("cancels a job of a dead pipe that still runs, waits for it to end, and says so in one line", async () => {
    const id = await leftBehind(["RUNNING"]);
    expect(await recover()).toBeNull();
    expect(cluster.jobs.get(id)?.cancelled).toBe(true);
    expect(recorded(id)).toBe(false);
    expect(lines).toEqual([`pipe repro: cancelled Slurm job ${id} (stage 'train'), left RUNNING by a pipe that was killed; this run makes its outputs anew`]);
  });

  it("forgets a job of a dead pipe that has ended, without cancelling it", async () => {
    const id = await leftBehind(["COMPLETED"]);
    expect(await recover()).toBeNull();
    expect(cluster.count("scancel")).toBe(0);
    expect(recorded(id)).toBe(false);
    expect(lines).toEqual([`pipe repro: Slurm job ${id} (stage 'train') of a pipe that was killed had ended (COMPLETED); nothing of it was recorded`]);
  });

  it("leaves the jobs of a pipe that still runs", async () => {
    const id = await leftBehind(["RUNNING"], process.pid);
    expect(await recover()).toBeNull();
    expect(cluster.count("scancel")).toBe(0);
    expect(recorded(id)).toBe(true);
  });

  it("refuses to go on when Slurm cannot be asked, keeping the record", async () => {
    const id = await leftBehind(["RUNNING"]);
    cluster.squeueDown = true;
    expect(await recover()).toMatch(
      new RegExp(
        `^\\.cache/slurm/jobs/${id}\\.json names Slurm job ${id} \\(stage 'train'\\) of a pipe that was killed, and Slurm cannot be asked about it \\(squeue: error: Unable to contact`,
      ),
    );
    expect(recorded(id)).toBe(true);
  });
});
