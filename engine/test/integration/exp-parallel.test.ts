// `pipe exp run --run-all -j N` through the real CLI: queued experiments run at once in their own
// workspaces sharing the cache. Stages append start/end marks (with times, the params they saw and
// whether the user's params.yaml was intact) to a file outside the project, so overlap is observed.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rig, waitFor } from "../helpers/rig.js";

const PARAMS = `# settings
train:
  lr: 0.05 # learning rate
  sleep: 1500
`;

const PIPELINE = `stages:
  prep:
    cmd: node prep.mjs
    deps: [prep.mjs, input.txt, notes.txt, raw]
    outs: [data/prep.txt]
  train:
    cmd: node train.mjs
    deps: [train.mjs, data/prep.txt]
    params: [train.lr, train.sleep]
    metrics:
      - metrics.json:
          cache: false
`;

/** Appends one JSON line to the marks file (its path in MARKS_FILE, outside the project). */
const MARK = `import { appendFileSync, readFileSync } from "node:fs";
export const mark = (m) => appendFileSync(process.env.MARKS_FILE, JSON.stringify({ ...m, t: Date.now(), cwd: process.cwd(), pid: process.pid }) + "\\n");
export const param = (key) => new RegExp("^  " + key + ": (\\\\S*)", "m").exec(readFileSync("params.yaml", "utf8"))?.[1];
`;

const PREP = `import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mark } from "./mark.mjs";
const input = readFileSync("input.txt", "utf8").trim();
const notes = readFileSync("notes.txt", "utf8").trim();
const raw = readFileSync("raw/data.csv", "utf8").trim();
mark({ stage: "prep", input, notes, raw });
mkdirSync("data", { recursive: true });
writeFileSync("data/prep.txt", [input, notes, raw].join("\\n") + "\\n");
`;

const TRAIN = `import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mark, param } from "./mark.mjs";
const lr = param("lr");
const intact = () => readFileSync(process.env.USER_PARAMS, "utf8") === process.env.USER_PARAMS_TEXT;
// a stubborn stage (a minute's sleep) outlives SIGTERM until pipe's SIGKILL 3 s later
if (Number(param("sleep")) >= 60000) process.on("SIGTERM", () => {});
mark({ stage: "train", lr, event: "start", intact: intact() });
if (Number.isNaN(Number(lr))) { console.error("lr is not a number: " + lr); process.exit(3); }
// sleeps train.sleep ms, or until RELEASE_FILE appears
const until = Date.now() + Number(param("sleep"));
const cell = new Int32Array(new SharedArrayBuffer(4));
while (Date.now() < until && !existsSync(process.env.RELEASE_FILE)) Atomics.wait(cell, 0, 0, 50);
writeFileSync("metrics.json", JSON.stringify({ acc: Math.round((1 - Number(lr)) * 1000) / 1000 }) + "\\n");
mark({ stage: "train", lr, event: "end", intact: intact() });
`;

interface Mark {
  readonly stage: string;
  readonly t: number;
  readonly cwd: string;
  readonly pid: number;
  readonly lr?: string;
  readonly event?: "start" | "end";
  readonly intact?: boolean;
  readonly input?: string;
  readonly notes?: string;
  readonly raw?: string;
}

interface Row {
  readonly name: string;
  readonly status: string;
  readonly git: { commit: string | null; dirty: boolean } | null;
  readonly params: Record<string, Record<string, unknown>>;
  readonly metrics: Record<string, Record<string, unknown>>;
}

function project(git: boolean): { rig: Rig; marksDir: string; marks: () => Mark[] } {
  const rig = new Rig("pipe-exp-par-");
  const marksDir = mkdtempSync(join(tmpdir(), "pipe-exp-marks-"));
  rig
    .write("pipeline.yaml", PIPELINE)
    .write("params.yaml", PARAMS)
    .write("mark.mjs", MARK)
    .write("prep.mjs", PREP)
    .write("train.mjs", TRAIN)
    .write("input.txt", "committed\n")
    .write("raw/data.csv", "a,b\n1,2\n")
    .write(".gitignore", "data/\nraw/\nmetrics.json\n");
  process.env.MARKS_FILE = join(marksDir, "marks.jsonl");
  process.env.USER_PARAMS = rig.path("params.yaml");
  process.env.RELEASE_FILE = join(marksDir, "release");
  process.env.USER_PARAMS_TEXT = PARAMS;
  if (git) {
    const g = (...args: string[]): string => execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: rig.dir, encoding: "utf8" });
    g("init", "-q");
    g("add", ".");
    g("commit", "-qm", "init");
  }
  const marks = (): Mark[] => {
    const path = join(marksDir, "marks.jsonl");
    return existsSync(path)
      ? readFileSync(path, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Mark)
      : [];
  };
  return { rig, marksDir, marks };
}

const rows = (rig: Rig): Row[] => JSON.parse(rig.pipe("exp", "show", "--json").stdout) as Row[];
const lrOf = (r: Row): unknown => r.params["params.yaml"]?.["train.lr"];
const workspaces = (rig: Rig): string[] => (rig.exists(".pipe/exp/workspaces") ? readdirSync(rig.path(".pipe/exp/workspaces")) : []);
const queueFiles = (rig: Rig): string[] => (rig.exists(".pipe/exp/queue") ? readdirSync(rig.path(".pipe/exp/queue")).sort() : []);
const indexLines = (rig: Rig): number => (rig.exists(".pipe/exp/index.jsonl") ? rig.read(".pipe/exp/index.jsonl").split("\n").filter(Boolean).length : 0);

describe("pipe exp run --run-all -j N in a git repository", () => {
  let p: ReturnType<typeof project>;
  beforeAll(() => {
    p = project(true);
    // The user's uncommitted change to a tracked file, and an untracked file git does not ignore.
    p.rig.write("input.txt", "changed, not committed\n").write("notes.txt", "untracked notes\n");
  });
  afterAll(() => {
    p.rig.cleanup();
    rmSync(p.marksDir, { recursive: true, force: true });
  });

  it("runs queued experiments at once, each recorded with its params and metrics, the user's params.yaml untouched", () => {
    const { rig } = p;
    expect(rig.pipe("exp", "run", "--queue", "-S", "train.lr=0.1,0.2,0.3").code).toBe(0);
    const r = rig.pipe("exp", "run", "--run-all", "-j", "2");
    expect(r.stderr).toContain("3 queued experiments run, 0 failed");
    expect(r.code).toBe(0);

    const recorded = rows(rig);
    expect(recorded.map(lrOf).sort()).toEqual([0.1, 0.2, 0.3]);
    for (const row of recorded) {
      expect(row.status).toBe("success");
      expect(row.metrics["metrics.json"]?.["acc"]).toBe(Math.round((1 - Number(lrOf(row))) * 1000) / 1000);
      expect(row.git?.commit).toMatch(/^[0-9a-f]{40}$/);
      // each experiment's stage lines carry its name
      expect(r.stderr).toContain(`[${row.name}] + train: ran`);
      expect(r.stderr).toMatch(new RegExp(`\\[${row.name}\\] done: .* recorded as ${row.name}`));
    }

    const trains = p.marks().filter((m) => m.stage === "train");
    const span = (lr: string): [number, number] => {
      const start = trains.find((m) => m.lr === lr && m.event === "start");
      const end = trains.find((m) => m.lr === lr && m.event === "end");
      expect(start && end).toBeTruthy();
      return [start?.t ?? 0, end?.t ?? 0];
    };
    const spans = ["0.1", "0.2", "0.3"].map(span);
    const overlapping = spans.some(([s1, e1], i) => spans.some(([s2, e2], j) => i !== j && s1 < e2 && s2 < e1));
    expect(overlapping).toBe(true);
    // every stage ran in a workspace under .pipe/exp/workspaces, never in the project folder itself
    for (const m of p.marks()) expect(m.cwd.startsWith(rig.path(".pipe/exp/workspaces/"))).toBe(true);
    // the user's params file, as every stage saw it while the experiments ran, and after
    expect(trains.every((m) => m.intact === true)).toBe(true);
    expect(rig.read("params.yaml")).toBe(PARAMS);
    expect(rig.exists("metrics.json")).toBe(false);
    // the workspace had the uncommitted change, the untracked file and the ignored raw input
    const preps = p.marks().filter((m) => m.stage === "prep");
    expect(preps.length).toBeGreaterThan(0);
    for (const m of preps) expect([m.input, m.notes, m.raw]).toEqual(["changed, not committed", "untracked notes", "a,b\n1,2"]);
    expect(workspaces(rig)).toEqual([]);
    expect(queueFiles(rig)).toEqual([]);
  });

  it("a failed experiment does not stop the others and sets the exit code", () => {
    const { rig } = p;
    rig.pipe("exp", "run", "--queue", "-S", "train.lr=bad,0.4");
    const r = rig.pipe("exp", "run", "--run-all", "-j", "2");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("2 queued experiments run, 1 failed");
    expect(r.stderr).toMatch(/\[exp-[0-9a-f]+\] \[train\] lr is not a number: bad/);
    const byLr = new Map(rows(rig).map((row) => [lrOf(row), row]));
    expect(byLr.get("bad")?.status).toBe("failed");
    expect(byLr.get(0.4)?.status).toBe("success");
    expect(byLr.get(0.4)?.metrics["metrics.json"]?.["acc"]).toBe(0.6);
    expect(workspaces(rig)).toEqual([]);
  });

  it("an experiment with params seen before restores its stages from the shared run cache", () => {
    const { rig } = p;
    const before = p.marks().length;
    rig.pipe("exp", "run", "--queue", "-S", "train.lr=0.2", "--name", "again");
    const r = rig.pipe("exp", "run", "--run-all", "-j", "2");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("[again] + prep: restored from cache");
    expect(r.stderr).toContain("[again] + train: restored from cache");
    expect(p.marks().length).toBe(before); // nothing ran
    expect(rows(rig).find((row) => row.name === "again")?.metrics["metrics.json"]?.["acc"]).toBe(0.8);
  });

  it("--json: the events of each experiment carry its run id, and a line per experiment names it; --executor is passed on", () => {
    const bad = p.rig.pipe("exp", "run", "--run-all", "-j", "2", "--executor", "nowhere");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--executor must be one of local, slurm, got 'nowhere'");
    const { rig } = p;
    rig.pipe("exp", "run", "--queue", "-S", "train.lr=0.1,0.2", "--name", "js");
    const r = rig.pipe("exp", "run", "--run-all", "-j", "2", "--executor", "local", "--", "--json");
    expect(r.code).toBe(0);
    const events = r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; runId: string; name?: string; status?: string; stage?: string });
    const done = events.filter((e) => e.type === "experiment");
    expect(done.map((e) => [e.name, e.status]).sort()).toEqual([
      ["js-1", "success"],
      ["js-2", "success"],
    ]);
    expect(new Set(done.map((e) => e.runId)).size).toBe(2);
    for (const e of done) {
      const own = events.filter((x) => x.runId === e.runId && x.type === "stage-done").map((x) => x.stage);
      expect(own.sort()).toEqual(["prep", "train"]);
    }
  });

  it("exp apply of a parallel experiment, then repro, restores its outputs without running", () => {
    const { rig } = p;
    const name = rows(rig).find((row) => lrOf(row) === 0.3)?.name ?? "";
    const before = p.marks().length;
    expect(rig.pipe("exp", "apply", name).code).toBe(0);
    const r = rig.pipe("repro");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("0 ran, 2 restored");
    expect(p.marks().length).toBe(before);
    expect(JSON.parse(rig.read("metrics.json"))).toEqual({ acc: 0.7 });
    expect(rig.read("data/prep.txt")).toBe("changed, not committed\nuntracked notes\na,b\n1,2\n");
    rig.write("params.yaml", PARAMS);
  });

  it("Ctrl-C stops every experiment, records nothing, removes the workspaces and puts the entries back in the queue", async () => {
    const { rig } = p;
    rig.pipe("exp", "run", "--queue", "-S", "train.lr=0.7,0.8", "-S", "train.sleep=50000");
    const queued = queueFiles(rig);
    expect(queued).toHaveLength(2);
    const records = indexLines(rig);
    const run = rig.spawnPipe("exp", "run", "--run-all", "-j", "2");
    await waitFor(() => ["0.7", "0.8"].every((lr) => p.marks().some((m) => m.lr === lr && m.event === "start")), 60_000, "both experiments training");
    run.child.kill("SIGINT");
    const done = await run.exited;
    expect(done.code).toBe(130);
    expect(workspaces(rig)).toEqual([]);
    expect(indexLines(rig)).toBe(records);
    expect(queueFiles(rig)).toEqual(queued);
    expect(p.marks().some((m) => m.event === "end" && (m.lr === "0.7" || m.lr === "0.8"))).toBe(false);
  });
});

describe("pipe exp run --run-all -j N stopped by a second Ctrl-C", () => {
  let p: ReturnType<typeof project>;
  beforeAll(() => {
    p = project(true);
    p.rig.write("notes.txt", "notes\n");
  });
  afterAll(() => {
    p.rig.cleanup();
    rmSync(p.marksDir, { recursive: true, force: true });
  });

  it("exits at once and still leaves no workspace, no record, and the entries queued", async () => {
    const { rig } = p;
    rig.pipe("exp", "run", "--queue", "-S", "train.lr=0.7,0.8", "-S", "train.sleep=60000");
    const queued = queueFiles(rig);
    const run = rig.spawnPipe("exp", "run", "--run-all", "-j", "2");
    await waitFor(() => ["0.7", "0.8"].every((lr) => p.marks().some((m) => m.lr === lr && m.event === "start")), 60_000, "both experiments training");
    run.child.kill("SIGINT");
    // the stages hold on for 3 s after the first: the second arrives while they still run
    await waitFor(() => run.output().stderr.includes("Ctrl-C again to exit at once"), 20_000, "the first interrupt's notice");
    run.child.kill("SIGINT");
    const done = await run.exited;
    // stage processes a hard exit leaves behind (pipe's SIGKILL timer went with it) are ended here
    for (const m of p.marks()) {
      try {
        process.kill(m.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    expect(done.code).toBe(130);
    expect(done.stderr).not.toContain("interrupted: 0 ran"); // it did not wait for the stages
    expect(workspaces(rig)).toEqual([]);
    expect(indexLines(rig)).toBe(0);
    expect(queueFiles(rig)).toEqual(queued);
  });
});

describe("pipe exp run --run-all -j N after a pipe was killed", () => {
  let p: ReturnType<typeof project>;
  beforeAll(() => {
    p = project(true);
    p.rig.write("notes.txt", "notes\n");
  });
  afterAll(() => {
    p.rig.cleanup();
    rmSync(p.marksDir, { recursive: true, force: true });
  });

  it("removes the workspaces a SIGKILLed pipe left, queues their entries again and runs them", async () => {
    const { rig } = p;
    rig.pipe("exp", "run", "--queue", "-S", "train.lr=0.7,0.8", "-S", "train.sleep=50000");
    const run = rig.spawnPipe("exp", "run", "--run-all", "-j", "2");
    await waitFor(() => ["0.7", "0.8"].every((lr) => p.marks().some((m) => m.lr === lr && m.event === "start")), 60_000, "both experiments training");
    run.child.kill("SIGKILL");
    await run.exited;
    for (const m of p.marks()) {
      try {
        process.kill(m.pid, "SIGKILL"); // its stages, which nothing stops now
      } catch {
        // already gone
      }
    }
    expect(workspaces(rig).filter((n) => !n.endsWith(".owner.json"))).toHaveLength(2);
    expect(queueFiles(rig).every((f) => f.endsWith(".running"))).toBe(true);

    writeFileSync(process.env.RELEASE_FILE as string, "");
    const again = rig.pipe("exp", "run", "--run-all", "-j", "2");
    expect(again.stderr.match(/removed the workspace a killed pipe left \(pid \d+\); queued again/g)).toHaveLength(2);
    expect(again.stderr).toContain("2 queued experiments run, 0 failed");
    expect(again.code).toBe(0);
    expect(
      rows(rig)
        .map((row) => [lrOf(row), row.status])
        .sort(),
    ).toEqual([
      [0.7, "success"],
      [0.8, "success"],
    ]);
    expect(workspaces(rig)).toEqual([]);
    expect(queueFiles(rig)).toEqual([]);
  });
});

describe("pipe exp run --run-all -j N outside git", () => {
  let p: ReturnType<typeof project>;
  beforeAll(() => {
    p = project(false);
    p.rig.write("notes.txt", "notes\n");
  });
  afterAll(() => {
    p.rig.cleanup();
    rmSync(p.marksDir, { recursive: true, force: true });
  });

  it("copies the project without its outputs (they come back from the cache) and keeps workspaces on request", () => {
    const { rig } = p;
    expect(rig.pipe("repro").code).toBe(0);
    rig.pipe("exp", "run", "--queue", "-S", "train.lr=0.5,0.6");
    const r = rig.pipe("exp", "run", "--run-all", "-j", "2", "--keep-workspaces");
    expect(r.code).toBe(0);
    const recorded = rows(rig).filter((row) => row.name.startsWith("exp-") && [0.5, 0.6].includes(lrOf(row) as number));
    expect(recorded).toHaveLength(2);
    for (const row of recorded) {
      expect(row.git).toBeNull();
      // the lock was copied but data/prep.txt was not: restored from the shared cache, not "up to date"
      expect(r.stderr).toContain(`[${row.name}] + prep: restored from cache`);
      expect(r.stderr).toContain(`[${row.name}] workspace kept: ${rig.path(`.pipe/exp/workspaces/${row.name}`)}`);
      const ws = `.pipe/exp/workspaces/${row.name}`;
      expect(lstatSync(rig.path(`${ws}/.cache/objects`)).isSymbolicLink()).toBe(true);
      expect(JSON.parse(rig.read(`${ws}/metrics.json`))).toEqual({ acc: Math.round((1 - Number(lrOf(row))) * 1000) / 1000 });
    }
    expect(workspaces(rig).sort()).toEqual(recorded.map((row) => row.name).sort());
    expect(rig.read("params.yaml")).toBe(PARAMS);
    // removing a kept workspace leaves the shared cache whole: a fresh experiment still restores
    rig.remove(".pipe/exp/workspaces");
    rig.pipe("exp", "run", "--queue", "-S", "train.lr=0.5", "--name", "same");
    const again = rig.pipe("exp", "run", "--run-all", "-j", "3");
    expect(again.stderr).toContain("[same] + train: restored from cache");
  });
});
