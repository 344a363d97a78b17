// How a Slurm job reads on the terminal: the submission line and the failure sentences.
import { describe, expect, it } from "vitest";
import type { StageName } from "../../../src/config/types.js";
import { describeFailure, plainLine } from "../../../src/report/index.js";

describe("slurm in the report", () => {
  it("says which job a stage was submitted as, with its resources", () => {
    const e = { type: "stage-job", stage: "train" as StageName, executor: "slurm", jobId: "42", log: ".cache/slurm/logs/train.42.log" } as const;
    expect(plainLine({ ...e, resources: "cpus=4 time=60" })).toBe("> train: submitted as job 42 (cpus=4 time=60)");
    expect(plainLine({ ...e, resources: "" })).toBe("> train: submitted as job 42");
  });
  it("names the job, its state, exit code or signal, and the last lines of its log", () => {
    const f = {
      kind: "slurm-job",
      jobId: "42",
      state: "FAILED",
      exitCode: 3,
      signal: 0,
      log: ".cache/slurm/logs/train.42.log",
      tail: ["loading", "KeyError: 'lr'"],
    } as const;
    expect(describeFailure(f)).toBe(
      "Slurm job 42 ended FAILED, exit code 3; log .cache/slurm/logs/train.42.log; last lines:\n    | loading\n    | KeyError: 'lr'",
    );
    expect(describeFailure({ ...f, state: "TIMEOUT", exitCode: 0, signal: 15, tail: [] })).toBe(
      "Slurm job 42 ended TIMEOUT, signal 15; log .cache/slurm/logs/train.42.log (empty)",
    );
    expect(describeFailure({ ...f, state: "UNKNOWN", exitCode: null, signal: null, tail: [] })).toBe(
      "Slurm job 42 ended UNKNOWN; log .cache/slurm/logs/train.42.log (empty)",
    );
    expect(describeFailure({ kind: "slurm-submit", error: "sbatch: error: invalid partition specified: gpu" })).toBe(
      "could not submit the job: sbatch: error: invalid partition specified: gpu",
    );
  });
});
