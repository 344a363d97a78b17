// Parsing what squeue, scontrol and sacct print, which states are final, and the poll delays.
import { describe, expect, it } from "vitest";
import { hasEnded, normalizeState, parseSacct, parseScontrolJob, parseSqueue, pollDelay } from "../../../src/exec/slurm/index.js";

// As Debian's Slurm 22.05 prints it (trimmed).
const SCONTROL =
  "JobId=1 JobName=j.sh UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901759 Nice=0 Account=(null) QOS=(null) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0 RunTime=00:00:01 TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-12-07T16:55:19 EligibleTime=2026-12-07T16:55:19 AccrueTime=2026-12-07T16:55:19 StartTime=2026-12-07T16:55:19 EndTime=2026-12-07T16:55:20 Deadline=N/A\n";

describe("slurm states", () => {
  it("reads squeue's id|state lines", () => {
    expect(parseSqueue("12|RUNNING\n13|PENDING\n14|COMPLETED\n")).toEqual(
      new Map([
        ["12", "RUNNING"],
        ["13", "PENDING"],
        ["14", "COMPLETED"],
      ]),
    );
  });
  it("reads scontrol's JobState, ExitCode and times", () => {
    expect(parseScontrolJob(SCONTROL)).toEqual({ state: "FAILED", exitCode: 3, signal: 0, start: "2026-12-07T16:55:19", end: "2026-12-07T16:55:20" });
    expect(parseScontrolJob("")).toBeNull();
  });
  it("reads sacct's State|ExitCode, 'CANCELLED by 0' as CANCELLED", () => {
    expect(parseSacct("CANCELLED by 0|0:15\n")).toEqual({ state: "CANCELLED", exitCode: 0, signal: 15 });
    expect(parseSacct("\n")).toBeNull();
  });
  it("tells final states from the others", () => {
    for (const s of ["COMPLETED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", "CANCELLED", "NODE_FAIL", "BOOT_FAIL", "DEADLINE", "PREEMPTED"])
      expect(hasEnded(s)).toBe(true);
    for (const s of ["PENDING", "RUNNING", "COMPLETING", "CONFIGURING", "SUSPENDED", "REQUEUED"]) expect(hasEnded(s)).toBe(false);
    expect(normalizeState("cancelled+")).toBe("CANCELLED");
  });
  it("looks often at a young job and at a tenth of its age later, within bounds", () => {
    expect(pollDelay(0)).toBe(100);
    expect(pollDelay(1500)).toBe(150);
    expect(pollDelay(10_000)).toBe(1000);
    expect(pollDelay(3_600_000)).toBe(2000);
    expect(pollDelay(50, { minMs: 10, maxMs: 20 })).toBe(10);
  });
});
