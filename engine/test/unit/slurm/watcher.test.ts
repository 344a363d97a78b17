// The watcher's pace: a job that waited in the queue is looked at often again once it runs (its age
// counts from its start), so a one-second job that queued for a CPU is seen ending within ~100 ms.
import { describe, expect, it } from "vitest";
import { createWatcher, type CommandResult, type SlurmRunner } from "../../../src/exec/slurm/index.js";

describe("slurm job watcher", () => {
  it("looks at a job that queued for 30 s often again once it runs", async () => {
    let t = 0;
    let startedAt: number | null = null;
    const naps: { at: number; ms: number }[] = [];
    // Pending for the first 30 s of looks; then running for 1 s from the look that saw it start.
    const state = (): string => {
      if (t < 30_000) return "PENDING";
      startedAt ??= t;
      return t - startedAt < 1000 ? "RUNNING" : "COMPLETED";
    };
    const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: "" });
    const runner: SlurmRunner = (command) => Promise.resolve(command === "squeue" ? ok(`7|${state()}\n`) : ok(`JobId=7 JobState=${state()} ExitCode=0:0\n`));
    const sleep = (ms: number): Promise<void> => {
      naps.push({ at: t, ms });
      t += ms;
      return Promise.resolve();
    };
    const end = await createWatcher({ runner, now: () => t, sleep }).watch("7", () => Promise.resolve());
    expect(end.state).toBe("COMPLETED");
    const start = startedAt as unknown as number;
    const queued = naps.filter((n) => n.at < start).map((n) => n.ms);
    const running = naps.filter((n) => n.at >= start).map((n) => n.ms);
    // While pending it backed off to the most (2 s); once running it starts again from the least.
    expect(Math.max(...queued)).toBe(2000);
    expect(running[0]).toBe(100);
    // Seen ended at most 150 ms after its 1 s (the delay at that age), not up to 2 s later.
    expect(t - (start + 1000)).toBeLessThanOrEqual(150);
  });
});
