import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunEvent } from "../../../src/events/index.js";
import { LIVE_DIR, openLiveFeed } from "../../../src/session/live-feed.js";
import { activeRun, latestRun, parseFeed, readFeed } from "../../../src/session/live-read.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempRoot = (): string => {
  const d = mkdtempSync(join(tmpdir(), "pipe-live-"));
  dirs.push(d);
  return d;
};

const plan = (runId: string): RunEvent => ({ type: "plan", stages: [], jobs: 1, runId }) as unknown as RunEvent;

describe("the live feed", () => {
  it("appends each event as a JSON line and marks the run active until it closes", async () => {
    const root = tempRoot();
    const feed = await openLiveFeed(root, "run-1", { pid: 4242, now: () => 0 });
    feed.sink(plan("run-1"));
    feed.sink({ type: "warning", message: "careful", runId: "run-1" });
    expect(readFeed(root, "run-1")).toEqual([plan("run-1"), { type: "warning", message: "careful", runId: "run-1" }]);
    expect(JSON.parse(readFileSync(join(root, LIVE_DIR, "run-1.active"), "utf8"))).toEqual({
      runId: "run-1",
      pid: 4242,
      startedAt: "1970-01-01T00:00:00.000Z",
    });
    expect(activeRun(root, (pid) => pid === 4242)).toBe("run-1");
    // A marker whose process is gone (a killed run) is not active.
    expect(activeRun(root, () => false)).toBeNull();
    feed.close();
    expect(activeRun(root, () => true)).toBeNull();
    expect(latestRun(root)).toBe("run-1");
    // .pipe/ gets its own .gitignore, as every pipe state folder.
    expect(readFileSync(join(root, ".pipe", ".gitignore"), "utf8")).toContain("/*");
  });

  it("keeps the newest runs only", async () => {
    const root = tempRoot();
    mkdirSync(join(root, LIVE_DIR), { recursive: true });
    for (let i = 0; i < 5; i++) {
      const p = join(root, LIVE_DIR, `old-${i}.jsonl`);
      writeFileSync(p, "");
      utimesSync(p, 1000 + i, 1000 + i);
    }
    writeFileSync(join(root, LIVE_DIR, "old-0.active"), "{}");
    const feed = await openLiveFeed(root, "new", { keep: 3 });
    feed.close();
    expect(readdirSync(join(root, LIVE_DIR)).sort()).toEqual(["new.jsonl", "old-3.jsonl", "old-4.jsonl"]);
  });

  it("is a quiet no-op when the folder cannot be written", async () => {
    const root = tempRoot();
    writeFileSync(join(root, ".pipe"), "a file where the folder should be");
    const feed = await openLiveFeed(root, "r");
    expect(() => feed.sink(plan("r"))).not.toThrow();
    expect(() => feed.close()).not.toThrow();
  });

  it("reads complete lines only and skips torn or foreign ones", () => {
    const line = JSON.stringify(plan("r"));
    expect(parseFeed(`${line}\nnot json\n{"no":"type"}\n${line}\n{"type":"pla`)).toEqual([plan("r"), plan("r")]);
    expect(readFeed(tempRoot(), "../../etc/passwd")).toEqual([]);
  });
});
