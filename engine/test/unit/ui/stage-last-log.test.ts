import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunEvent } from "../../../src/events/index.js";
import { lastLogName, LOGS_DIR, parseHeader, readLastLog, stageLastLogSink } from "../../../src/report/stage-last-log.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempRoot = (): string => {
  const d = mkdtempSync(join(tmpdir(), "pipe-lastlog-"));
  dirs.push(d);
  return d;
};

const ev = (runId: string, body: Record<string, unknown>): RunEvent => ({ ...body, runId }) as unknown as RunEvent;

describe("last log file names", () => {
  it("keep plain names and encode /, :, %, spaces and a leading dot, reversibly", () => {
    expect(lastLogName("train")).toBe("train.log");
    expect(lastLogName("train@lr=0.1")).toBe("train@lr=0.1.log");
    expect(lastLogName("sub/dvc.yaml:train")).toBe("sub%2Fdvc.yaml%3Atrain.log");
    expect(lastLogName("a%2Fb")).toBe("a%252Fb.log");
    expect(lastLogName(".hidden")).toBe("%2Ehidden.log");
    expect(lastLogName("../x")).toBe("%2E.%2Fx.log");
    expect(lastLogName("é")).toBe("%C3%A9.log");
    const names = ["a/b", "a:b", "a%2Fb", "a_b", "a b"].map(lastLogName);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(decodeURIComponent(n.slice(0, -4))).not.toContain("\0");
    expect(decodeURIComponent(lastLogName("sub/dvc.yaml:train@x").slice(0, -4))).toBe("sub/dvc.yaml:train@x");
  });
});

describe("stageLastLogSink", () => {
  it("writes a stage's output under a header when it ends, renamed into place; restored and fresh stages keep their log", () => {
    const root = tempRoot();
    let t = Date.parse("2026-01-02T03:04:05.000Z");
    const { sink, close } = stageLastLogSink(root, () => t);
    sink(ev("r1", { type: "stage-start", stage: "sub/dvc.yaml:train", reason: { kind: "never-run" } }));
    sink(ev("r1", { type: "stage-output", stage: "sub/dvc.yaml:train", stream: "stdout", line: "epoch 1" }));
    sink(ev("r1", { type: "stage-output", stage: "sub/dvc.yaml:train", stream: "stderr", line: "a warning" }));
    // While it runs, only a hidden temp file exists.
    expect(readLastLog(root, "sub/dvc.yaml:train")).toBeNull();
    expect(readdirSync(join(root, LOGS_DIR)).every((n) => n.startsWith("."))).toBe(true);
    t += 1500;
    sink(ev("r1", { type: "stage-done", stage: "sub/dvc.yaml:train", durationMs: 1500.4, outcome: "ran" }));
    const log = readLastLog(root, "sub/dvc.yaml:train");
    expect(log?.text).toBe("# pipe: run r1 started 2026-01-02T03:04:05.000Z ran in 1500 ms\nepoch 1\n[stderr] a warning\n");
    expect(log?.header).toEqual({ runId: "r1", startedAt: "2026-01-02T03:04:05.000Z", outcome: "ran", durationMs: 1500 });
    expect(readdirSync(join(root, LOGS_DIR))).toEqual(["sub%2Fdvc.yaml%3Atrain.log"]);

    // A later run that restores it (no stage-start) leaves the log alone.
    sink(ev("r2", { type: "stage-done", stage: "sub/dvc.yaml:train", durationMs: 3, outcome: "restored" }));
    sink(ev("r3", { type: "stage-done", stage: "sub/dvc.yaml:train", durationMs: 1, outcome: "fresh" }));
    expect(readLastLog(root, "sub/dvc.yaml:train")?.header?.runId).toBe("r1");
    close();
  });

  it("records a failure as the outcome, and drops the temp file of a stage that never ended", () => {
    const root = tempRoot();
    const { sink, close } = stageLastLogSink(root, () => 0);
    sink(ev("r1", { type: "stage-start", stage: "a", reason: "forced" }));
    sink(ev("r1", { type: "stage-output", stage: "a", stream: "stdout", line: "boom" }));
    sink(ev("r1", { type: "stage-done", stage: "a", durationMs: 7, outcome: "failed", failure: { kind: "exit-code", command: "x", code: 1 } }));
    expect(readLastLog(root, "a")?.header?.outcome).toBe("failed");
    sink(ev("r1", { type: "stage-start", stage: "b", reason: "forced" }));
    sink(ev("r1", { type: "stage-output", stage: "b", stream: "stdout", line: "half" }));
    close();
    expect(readdirSync(join(root, LOGS_DIR)).sort()).toEqual(["a.log"]);
  });

  it("never throws when the logs folder cannot be made", () => {
    const root = join(tempRoot(), "missing-parent", "x");
    const { sink, close } = stageLastLogSink(join(root, "\0bad"));
    expect(() => {
      sink(ev("r", { type: "stage-start", stage: "a", reason: "forced" }));
      sink(ev("r", { type: "stage-output", stage: "a", stream: "stdout", line: "x" }));
      sink(ev("r", { type: "stage-done", stage: "a", durationMs: 1, outcome: "ran" }));
      close();
    }).not.toThrow();
    expect(existsSync(root)).toBe(false);
  });

  it("parses only its own header line", () => {
    expect(parseHeader("# pipe: run a-b started 2026-01-01T00:00:00.000Z ran in 12 ms")).toEqual({
      runId: "a-b",
      startedAt: "2026-01-01T00:00:00.000Z",
      outcome: "ran",
      durationMs: 12,
    });
    expect(parseHeader("epoch 1")).toBeNull();
  });
});
