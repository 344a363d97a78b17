// The mutex file behind the repro guard and the experiment index: holders are told apart from a
// reused pid, a zombie, another boot and another host, and a dead holder's file is taken over by
// exactly one of any number of racers.
import { fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeHolder, liveness, parseHolder, type Holder, type ProcessTable } from "../../../src/files/holder.js";
import { tryLock } from "../../../src/files/mutex.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pipe-mutex-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const table = (procs: Record<number, { start: string; state: string }>, host = "h1", boot = "b1"): ProcessTable => ({
  host,
  boot,
  stat: (pid) => procs[pid] ?? null,
  exists: (pid) => pid in procs,
});
const holder = (over: Partial<Holder> = {}): Holder => ({
  pid: 3,
  host: "h1",
  boot: "b1",
  start: "100",
  since: "2026-12-04T10:00:00.000Z",
  token: "00aa11bb22cc33dd",
  ...over,
});

describe("liveness", () => {
  it("alive only when the same pid runs with the same start time, on this boot and host", () => {
    expect(liveness(holder(), table({ 3: { start: "100", state: "S" } }))).toBe("alive");
    // A restarted container: pid 3 again, started later.
    expect(liveness(holder(), table({ 3: { start: "250", state: "S" } }))).toBe("dead");
    expect(liveness(holder(), table({ 3: { start: "100", state: "Z" } }))).toBe("dead");
    expect(liveness(holder(), table({}))).toBe("dead");
    expect(liveness(holder(), table({ 3: { start: "100", state: "S" } }, "h1", "b2"))).toBe("dead");
    expect(liveness(holder({ host: "other" }), table({}))).toBe("elsewhere");
  });
  it("describes a holder by pid, host and start", () => {
    expect(describeHolder(holder())).toBe("pid 3 on h1, started 2026-12-04T10:00:00.000Z");
  });
});

describe("tryLock", () => {
  it("holds, refuses a second taker naming the holder, and releases", () => {
    const path = join(dir, "repro.lock");
    const first = tryLock(path);
    expect(first.ok).toBe(true);
    const second = tryLock(path, { pid: process.pid + 1 });
    expect(second).toMatchObject({ ok: false, liveness: "alive" });
    expect(!second.ok && second.holder?.pid).toBe(process.pid);
    if (first.ok) first.release();
    expect(tryLock(path).ok).toBe(true);
  });
  it("takes over a holder whose pid now belongs to a later process, and a zombie", () => {
    const path = join(dir, "repro.lock");
    writeFileSync(path, JSON.stringify(holder()));
    const procs = table({ 3: { start: "999", state: "S" }, [process.pid]: { start: "1", state: "R" } });
    const taken = tryLock(path, { procs });
    expect(taken.ok).toBe(true);
    expect(parseHolder(readFileSync(path, "utf8"))?.pid).toBe(process.pid);
    if (taken.ok) taken.release();
    writeFileSync(path, JSON.stringify(holder()));
    expect(tryLock(path, { procs: table({ 3: { start: "100", state: "Z" } }) }).ok).toBe(true);
  });
  it("never takes over a holder on another host", () => {
    const path = join(dir, "repro.lock");
    writeFileSync(path, JSON.stringify(holder({ host: "node-7" })));
    expect(tryLock(path, { procs: table({}) })).toMatchObject({ ok: false, liveness: "elsewhere", holder: { host: "node-7" } });
  });
  it("a release never removes a file that replaced its own", () => {
    const path = join(dir, "repro.lock");
    const held = tryLock(path);
    writeFileSync(path, JSON.stringify(holder({ host: "node-7" })));
    if (held.ok) held.release();
    expect(parseHolder(readFileSync(path, "utf8"))?.host).toBe("node-7");
  });
});

describe("racing takeovers", () => {
  it("of 8 processes that find the same dead holder, exactly one wins", async () => {
    const path = join(dir, "repro.lock");
    writeFileSync(path, JSON.stringify(holder({ pid: 2 ** 22 + 7, host: hostname(), boot: "", start: "" })));
    const script = join(dir, "racer.mjs");
    const mutexUrl = new URL("../../../src/files/mutex.ts", import.meta.url).href;
    writeFileSync(
      script,
      `import { tryLock } from ${JSON.stringify(mutexUrl)};
       process.on("message", () => {
         const r = tryLock(${JSON.stringify(path)});
         process.send(r.ok ? "won" : "lost", () => setTimeout(() => process.exit(0), 300));
       });
       process.send("ready");`,
    );
    const racers = Array.from({ length: 8 }, () => fork(script, { execArgv: ["--import", "tsx"], stdio: "ignore" }));
    await Promise.all(racers.map((c) => new Promise((r) => c.once("message", r))));
    const results = await Promise.all(racers.map((c) => new Promise<string>((r) => (c.once("message", (m) => r(String(m))), c.send("go")))));
    await Promise.all(racers.map((c) => new Promise((r) => c.once("exit", r))));
    expect(results.filter((r) => r === "won")).toHaveLength(1);
    expect(results).toHaveLength(8);
  });
});
