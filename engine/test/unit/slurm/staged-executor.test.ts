// The driver and the job of Slurm stages without a shared file system, without the daemons: a fake
// cluster whose sbatch runs the written script with `sh` (its pipe is a recorder of its arguments,
// so the spec's quoting is what a node would get), then runs the job in-process in a scratch folder
// against a directory remote, and ends the job COMPLETED or FAILED by what the job returned.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RelPath } from "../../../src/config/types.js";
import type { RunEventBody, StageFailure } from "../../../src/events/index.js";
import { execaSpawner, type StageJob } from "../../../src/exec/index.js";
import type { SlurmRunner } from "../../../src/exec/slurm/index.js";
import { openBackend } from "../../../src/remote/backends/open.js";
import type { RemoteBackend, RemoteSettings } from "../../../src/remote/backends/backend.js";
import { stagedExecutor } from "../../../src/session/slurm-staged.js";
import { runJob } from "../../../src/session/slurm-staged-job.js";
import { parseSpec, type JobSpec } from "../../../src/session/slurm-staged-spec.js";
import { stage, type StageInput } from "../../helpers/stages.js";
import { FakeCluster } from "./fake-cluster.js";

let dir: string;
let root: string;
let store: string;
let cluster: FakeCluster;
let events: RunEventBody[];
let remote: RemoteBackend;
/** What each job got and did. */
let specs: JobSpec[];
let printed: string[];
/** Runs between the driver's push and the job (a change to the workspace the job must not see). */
let beforeJob: () => void;
const settings = (): RemoteSettings => ({ name: "store", url: store, options: {} });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "pipe-staged-unit-"));
  root = join(dir, "project");
  store = join(dir, "store");
  mkdirSync(root);
  mkdirSync(store);
  // The "pipe" the script starts: writes its arguments where the fake cluster reads them.
  writeFileSync(
    join(dir, "record-args.mjs"),
    `import { writeFileSync } from "node:fs"; writeFileSync(process.env.ARGS_OUT, JSON.stringify(process.argv.slice(2)));\n`,
  );
  cluster = new FakeCluster();
  events = [];
  specs = [];
  printed = [];
  beforeJob = () => {};
  remote = await openBackend(settings(), { root, env: {} });
});
afterEach(async () => {
  await remote.close();
  rmSync(dir, { recursive: true, force: true });
});

/** sbatch runs the script: the recorded arguments are `job-run SPEC`, and the job runs here, in its own scratch folder. */
const runner: SlurmRunner = async (command, args, opts) => {
  if (command !== "sbatch") return cluster.runner(command, args, opts);
  const script = args[args.length - 1] as string;
  const out = join(dir, "args.json");
  const sh = spawnSync("sh", [script], { env: { ...process.env, ARGS_OUT: out }, encoding: "utf8" });
  expect(sh.status, sh.stderr).toBe(0);
  const argv = JSON.parse(readFileSync(out, "utf8")) as string[];
  expect(argv[0]).toBe("job-run");
  const spec = parseSpec(argv[1] as string);
  if (!spec.ok) throw new Error(spec.error);
  specs.push(spec.value);
  beforeJob();
  const scratch = join(dir, `scratch-${specs.length}`);
  const result = await runJob(spec.value, {
    openRemote: (s, r) => openBackend(s, { root: r, env: {} }),
    spawn: execaSpawner,
    scratch,
    env: { PATH: process.env.PATH },
    print: (t) => printed.push(t),
    jobs: 2,
    signal: new AbortController().signal,
  });
  expect(existsSync(scratch)).toBe(false);
  cluster.lives.push(result.ok ? { states: ["RUNNING", "COMPLETED"] } : { states: ["RUNNING", "FAILED"], exitCode: "1:0" });
  return cluster.runner(command, args, opts);
};

function executor() {
  return stagedExecutor({
    root,
    runId: "run1",
    resourcesFor: () => ({}),
    runner,
    emit: (e) => events.push(e),
    timing: { minMs: 1, maxMs: 1 },
    cancelWaitMs: 2000,
    remote,
    nodeRemote: settings(),
    pipe: [process.execPath, join(dir, "record-args.mjs")],
    jobs: 2,
  });
}

async function run(name: string, s: StageInput, wdir = ""): Promise<{ failure: StageFailure | null; lines: string[] }> {
  const lines: string[] = [];
  const job: StageJob = {
    stage: { ...stage(name, s), wdir: wdir as RelPath },
    cwd: root,
    env: { PATH: "/usr/bin:/bin" },
    signal: new AbortController().signal,
    onLine: (_s, line) => lines.push(line),
  };
  return { failure: await executor().run(job), lines };
}

const write = (rel: string, text: string): void => {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  writeFileSync(join(root, rel), text);
};
const storeFiles = (sub: string): string[] =>
  existsSync(join(store, sub))
    ? readdirSync(join(store, sub), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : [];

describe("stagedExecutor with a fake cluster", () => {
  it("runs the stage in the job's scratch folder on the deps as hashed, and checks its outs out here", async () => {
    write("in.txt", "hello\n");
    write("images/a.txt", "a\n");
    write("images/b.txt", "b\n");
    // The workspace's copy changes after the driver pushed it: the job must still see the pushed one.
    beforeJob = () => write("in.txt", "changed\n");
    const { failure, lines } = await run("upper", {
      cmd: "pwd > where.txt && tr a-z A-Z < in.txt > out.txt && mkdir outdir && cat images/a.txt images/b.txt > outdir/ab.txt && echo made it",
      deps: ["in.txt", "images"],
      outs: ["out.txt", "outdir", "where.txt"],
      env: { SEED: "7" },
    });
    expect(failure).toBeNull();
    expect(readFileSync(join(root, "out.txt"), "utf8")).toBe("HELLO\n");
    expect(readFileSync(join(root, "outdir/ab.txt"), "utf8")).toBe("a\nb\n");
    expect(readFileSync(join(root, "where.txt"), "utf8").trim()).toBe(join(dir, "scratch-1", "work"));
    // The job's output is the stage's output here.
    expect(lines).toEqual(["made it"]);
    expect(printed.join("")).toBe("made it\n");
    const spec = specs[0] as JobSpec;
    expect(spec.deps.map((d) => [d.path, d.isDir, d.nfiles])).toEqual([
      ["in.txt", false, undefined],
      ["images", true, 2],
    ]);
    expect(spec.env).toEqual({ SEED: "7", PIPE_STAGE: "upper" });
    expect(spec.outs).toEqual(["out.txt", "outdir", "where.txt"]);
    // The stage-job event carries the job id; no result is left on the remote.
    expect(events.filter((e) => e.type === "stage-job")).toHaveLength(1);
    expect(storeFiles("slurm-results")).toEqual([]);
    expect(storeFiles("objects").length).toBeGreaterThanOrEqual(7);
  });

  it("runs in the stage's wdir of the scratch copy, and a persist out keeps what it had", async () => {
    write("sub/in.txt", "x\n");
    write("history.log", "run 1\n");
    const { failure } = await run(
      "grow",
      {
        cmd: "cat in.txt >> ../history.log && echo run 2 >> ../history.log && pwd > here.txt",
        deps: ["sub/in.txt"],
        outs: [{ path: "history.log", persist: true }, "sub/here.txt"],
      },
      "sub",
    );
    expect(failure).toBeNull();
    expect(readFileSync(join(root, "history.log"), "utf8")).toBe("run 1\nx\nrun 2\n");
    expect(readFileSync(join(root, "sub/here.txt"), "utf8").trim()).toBe(join(dir, "scratch-1", "work", "sub"));
    expect((specs[0] as JobSpec).persist.map((p) => p.path)).toEqual(["history.log"]);
  });

  it("fails with the job id, its state and the output's last lines when a command fails; no out arrives", async () => {
    const { failure, lines } = await run("bad", { cmd: "echo trying && exit 4", outs: ["never.txt"] });
    expect(failure).toMatchObject({ kind: "slurm-job", jobId: "100", state: "FAILED", exitCode: 1, log: "/tmp/pipe-job-100.log (on the node)" });
    expect(failure?.kind === "slurm-job" ? failure.tail : []).toEqual(["trying", "pipe: 'echo trying && exit 4' exited with code 4"]);
    expect(lines).toEqual(["trying", "pipe: 'echo trying && exit 4' exited with code 4"]);
    expect(existsSync(join(root, "never.txt"))).toBe(false);
  });

  it("fails when the stage does not make an out it declares", async () => {
    const { failure } = await run("lazy", { cmd: "true", outs: ["missing.txt"] });
    expect(failure).toMatchObject({ kind: "slurm-job", state: "FAILED" });
    expect(failure?.kind === "slurm-job" ? failure.tail : []).toEqual(["pipe: the stage did not make its output missing.txt"]);
  });

  it("does not run the stage on an object the remote holds corrupt", async () => {
    write("in.txt", "hello\n");
    // Push by running once, then corrupt every object on the remote and run a stage reading it.
    expect((await run("first", { cmd: "cat in.txt > copy.txt", deps: ["in.txt"], outs: ["copy.txt"] })).failure).toBeNull();
    for (const e of readdirSync(join(store, "objects"), { recursive: true, withFileTypes: true }))
      if (e.isFile()) writeFileSync(join(e.parentPath, e.name), "corrupt");
    const { failure } = await run("second", { cmd: "cat in.txt > again.txt && echo ran", deps: ["in.txt"], outs: ["again.txt"] });
    expect(failure?.kind).toBe("slurm-job");
    const tail = failure?.kind === "slurm-job" ? failure.tail.join("\n") : "";
    expect(tail).toMatch(/^pipe: could not fetch in\.txt \(dep\) from remote 'store' .*is corrupt: its bytes do not hash to its name$/);
    expect(tail).not.toContain("ran");
  });

  it("refuses a missing dep and a glob dep before submitting anything", async () => {
    expect((await run("m", { cmd: "true", deps: ["nope.txt"], outs: ["x"] })).failure).toEqual({ kind: "missing-dep", path: "nope.txt" });
    expect((await run("g", { cmd: "true", deps: ["data/*.csv"], outs: ["x"] })).failure).toEqual({
      kind: "slurm-submit",
      error: "dep 'data/*.csv' is a glob, which jobs without a shared file system do not take yet",
    });
    expect(cluster.count("sbatch")).toBe(0);
  });
});
