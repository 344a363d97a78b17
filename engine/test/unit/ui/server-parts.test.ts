import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { LiveMessage } from "../../../src/ui/api.js";
import type { RunEvent } from "../../../src/events/index.js";
import { hostName } from "../../../src/ui/server/app.js";
import { entries } from "../../../src/ui/server/compare.js";
import { HttpError } from "../../../src/ui/server/http-error.js";
import { liveStates } from "../../../src/ui/server/live-state.js";
import { parseIds } from "../../../src/ui/server/rows.js";
import { frame } from "../../../src/ui/server/sse.js";
import { confinedPath } from "../../../src/ui/server/static.js";
import { flatColumns, toScalar } from "../../../src/ui/server/values.js";
import { watchProject } from "../../../src/ui/server/watch.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function statusOf(f: () => unknown): number | "ok" {
  try {
    f();
    return "ok";
  } catch (e) {
    if (e instanceof HttpError) return e.statusCode;
    throw e;
  }
}

describe("confinedPath", () => {
  const bundle = "/srv/dist/ui";
  it("maps URL paths inside the bundle", () => {
    expect(confinedPath(bundle, "/")).toBe("/srv/dist/ui");
    expect(confinedPath(bundle, "/app.js")).toBe("/srv/dist/ui/app.js");
    expect(confinedPath(bundle, "/a/../app.js")).toBe("/srv/dist/ui/app.js");
    expect(confinedPath(bundle, "/x%20y.css")).toBe("/srv/dist/ui/x y.css");
  });
  it("refuses whatever would leave it: .., encoded .., absolute and drive paths; bad encodings are 400", () => {
    for (const p of ["/../secret", "/%2e%2e/secret", "/..%2fsecret", "/a/%2E%2E/%2E%2E/secret", "/..%5c..%5csecret/../../x", "/..", "//../../etc/passwd"]) {
      expect(
        statusOf(() => confinedPath(bundle, p)),
        p,
      ).toBe(403);
    }
    expect(statusOf(() => confinedPath(bundle, "/C:/Windows"))).toBe(403);
    expect(statusOf(() => confinedPath(bundle, "/%E0%A4%A"))).toBe(400);
    expect(statusOf(() => confinedPath(bundle, "/a%00b"))).toBe(400);
  });
});

describe("request parsing", () => {
  it("ids: comma-separated, a minimum, no duplicates or empties", () => {
    expect(parseIds("a, b", 2)).toEqual(["a", "b"]);
    expect(statusOf(() => parseIds(undefined, 1))).toBe(400);
    expect(statusOf(() => parseIds(["a", "b"], 1))).toBe(400);
    expect(statusOf(() => parseIds("a", 2))).toBe(400);
    expect(statusOf(() => parseIds("a,,b", 1))).toBe(400);
    expect(statusOf(() => parseIds("a,a", 1))).toBe(400);
    expect(statusOf(() => parseIds(Array.from({ length: 101 }, (_, i) => `r${i}`).join(","), 1))).toBe(400);
  });
  it("hostName reads Host headers with ports and IPv6 brackets", () => {
    expect(hostName("localhost:4173")).toBe("localhost");
    expect(hostName("[::1]:80")).toBe("::1");
    expect(hostName("127.0.0.1")).toBe("127.0.0.1");
    expect(hostName("Evil.COM:1")).toBe("evil.com");
    expect(hostName(undefined)).toBe("");
  });
});

describe("values and compare entries", () => {
  it("flattens to file:key scalars", () => {
    expect(flatColumns({ "p.yaml": { "a.b": 1, list: [1, 2], s: "x", n: null, inf: Infinity } })).toEqual({
      "p.yaml:a.b": 1,
      "p.yaml:list": "[1,2]",
      "p.yaml:s": "x",
      "p.yaml:n": null,
      "p.yaml:inf": "Infinity",
    });
    expect(toScalar(undefined)).toBeNull();
  });
  it("marks changed keys, diffs two numeric sides as metrics diff does, and keeps every key", () => {
    const a = { files: { "m.json": { acc: 0.81, same: 1, only: "x" } }, errors: {} };
    const b = { files: { "m.json": { acc: 0.84, same: 1 } }, errors: {} };
    expect(entries([a, b])).toEqual([
      { file: "m.json", key: "acc", values: [0.81, 0.84], changed: true, diff: 0.03 },
      { file: "m.json", key: "only", values: ["x", null], changed: true },
      { file: "m.json", key: "same", values: [1, 1], changed: false, diff: 0 },
    ]);
    const three = entries([a, b, a]);
    expect(three[0]).toEqual({ file: "m.json", key: "acc", values: [0.81, 0.84, 0.81], changed: true });
  });
});

describe("live states and SSE frames", () => {
  const e = (b: Record<string, unknown>): RunEvent => ({ ...b, runId: "r" }) as unknown as RunEvent;
  it("a started stage is running until done; a failure stays", () => {
    const s = liveStates([
      e({ type: "stage-start", stage: "a", reason: "forced" }),
      e({ type: "stage-start", stage: "b", reason: "forced" }),
      e({ type: "stage-done", stage: "a", durationMs: 1, outcome: "ran" }),
      e({ type: "stage-start", stage: "c", reason: "forced" }),
      e({ type: "stage-done", stage: "c", durationMs: 1, outcome: "failed", failure: { kind: "interrupted" } }),
      e({ type: "some-future-event", stage: "d" }),
    ]);
    expect(Object.fromEntries(s)).toEqual({ a: "done", b: "running", c: "failed" });
  });
  it("frames a message as a named event with one data line", () => {
    const m: LiveMessage = { type: "run", event: e({ type: "stage-output", stage: "a", stream: "stdout", line: "two\nlines" }) };
    const text = frame(m);
    expect(text.startsWith("event: run\ndata: ")).toBe(true);
    expect(text.endsWith("\n\n")).toBe(true);
    expect(text.split("\n")).toHaveLength(4);
    expect(JSON.parse(text.split("\n")[1]?.slice("data: ".length) ?? "")).toEqual(m);
  });
});

describe("watchProject (polling only)", () => {
  it("tails new feed lines, notices a new experiment and a changed pipeline file", async () => {
    const root = mkdtempSync(join(tmpdir(), "pipe-watch-"));
    dirs.push(root);
    mkdirSync(join(root, ".pipe", "live"), { recursive: true });
    writeFileSync(join(root, ".pipe", "live", "old.jsonl"), `${JSON.stringify({ type: "plan", stages: [], jobs: 1, runId: "old" })}\n`);
    writeFileSync(join(root, "pipeline.yaml"), "stages: {}\n");
    const got: LiveMessage[] = [];
    const w = await watchProject(
      root,
      () => Promise.resolve(["pipeline.yaml"]),
      (m) => got.push(m),
      { intervalMs: 60_000, useFsWatch: false },
    );
    const settle = async (): Promise<void> => {
      w.poke();
      for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20));
    };
    try {
      // What was there before the server started is not replayed.
      await settle();
      expect(got).toEqual([]);
      const start = { type: "stage-start", stage: "a", reason: "forced", runId: "new" };
      appendFileSync(join(root, ".pipe", "live", "new.jsonl"), `${JSON.stringify(start)}\n{"type":"stage-out`);
      await settle();
      expect(got).toEqual([{ type: "run", event: start }]);
      got.length = 0;
      appendFileSync(join(root, ".pipe", "live", "new.jsonl"), `put","stage":"a","stream":"stdout","line":"x","runId":"new"}\n`);
      await settle();
      expect(got).toEqual([{ type: "run", event: { type: "stage-output", stage: "a", stream: "stdout", line: "x", runId: "new" } }]);
      got.length = 0;
      // A parallel experiment's workspace has a feed of its own.
      mkdirSync(join(root, ".pipe", "exp", "workspaces", "w1", ".pipe", "live"), { recursive: true });
      const other = { type: "plan", stages: ["a"], jobs: 1, runId: "w1run" };
      writeFileSync(join(root, ".pipe", "exp", "workspaces", "w1", ".pipe", "live", "w1run.jsonl"), `${JSON.stringify(other)}\n`);
      await settle();
      expect(got).toEqual([{ type: "run", event: other }]);
      got.length = 0;
      writeFileSync(join(root, ".pipe", "exp", "index.jsonl"), '{"id":"1","name":"a","createdAt":"x"}\n');
      await settle();
      expect(got).toEqual([{ type: "experiments-changed" }]);
      got.length = 0;
      writeFileSync(join(root, "pipeline.yaml"), "stages: {a: {cmd: x}}\n");
      await settle();
      expect(got).toEqual([{ type: "pipeline-changed" }]);
    } finally {
      w.stop();
    }
  });
});
