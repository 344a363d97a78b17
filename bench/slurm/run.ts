// The Slurm benchmark (issue 16, "Measured"): the same fan-out workflow run by `pipe repro --executor
// slurm` and by `snakemake --slurm` (Debian's 7.21) on the same one-node cluster, N fresh folders
// each, interleaved; wall time, per-stage overheads and the no-ops. See bench/README.md.
//
//   npx tsx bench/slurm/run.ts [--reps 3] [--shipped-reps 1] [--fan 16] [--sleep 1] [--noop-runs 3]
//                              [--tools pipe,snakemake,snakemake-shipped] [--mem-mb 100] [--time-min 10] [--keep]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { snapshotPipe } from "../snapshot-pipe.js";
import { workflow, writeWorkflow, type Stage } from "./gen.js";
import { runLogged, tail, type Logged } from "./logged.js";
import { writePipeResources } from "./pipe-resources.js";
import { foreignJobsDuring, jobRecords, jobsUnder, queuedUnder, readSubmissions, writeSbatchShim, type RecordSource } from "./slurm-records.js";
import { renderTable, TOOLS, type NoopKind, type NoopResult, type RunResult, type Tool } from "./table.js";
import { pipeRecorded, snakemakeRecorded, timeline } from "./timeline.js";

const REPO = resolve(import.meta.dirname, "../..");
const { values: o } = parseArgs({
  options: {
    reps: { type: "string", default: "3" },
    "shipped-reps": { type: "string", default: "1" },
    fan: { type: "string", default: "16" },
    sleep: { type: "string", default: "1" },
    "noop-runs": { type: "string", default: "3" },
    tools: { type: "string", default: TOOLS.join(",") },
    "mem-mb": { type: "string", default: "100" },
    "time-min": { type: "string", default: "10" },
    keep: { type: "boolean", default: false },
  },
});
const count = (name: string, v: string, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: '${v}' is not a whole number >= ${String(min)}`);
  return n;
};
const reps = count("reps", o.reps, 1);
const shippedReps = Math.min(reps, count("shipped-reps", o["shipped-reps"], 0));
const fan = count("fan", o.fan, 1);
const noopRuns = count("noop-runs", o["noop-runs"], 1);
const memMb = count("mem-mb", o["mem-mb"], 1);
const timeMin = count("time-min", o["time-min"], 1);
const sleepS = Number(o.sleep);
if (!(sleepS >= 0)) throw new Error(`--sleep: '${o.sleep}' is not a number of seconds`);
const tools = o.tools.split(",").map((t) => t.trim()) as Tool[];
for (const t of tools) if (!TOOLS.includes(t)) throw new Error(`--tools: unknown tool '${t}' (${TOOLS.join(", ")})`);

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
const load = (): number => loadavg()[0] ?? 0;
const work = mkdtempSync(join(tmpdir(), "pipe-bench-slurm-"));
const stages: Stage[] = workflow(fan, sleepS);

const sh = (argv: readonly string[]): string => {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed: ${(r.stderr ?? "").trim()}`);
  return r.stdout.trim();
};

/** The cluster's default partition (sinfo marks it with '*') and the CPUs of its node. */
function cluster(): { partition: string; cpus: number } {
  const parts = sh(["sinfo", "-h", "-o", "%P"]).split(/\s+/);
  const partition = (parts.find((p) => p.endsWith("*")) ?? parts[0] ?? "").replace(/\*$/, "");
  if (partition === "") throw new Error("sinfo lists no partition");
  return { partition, cpus: Number(sh(["sinfo", "-h", "-o", "%c"]).split(/\s+/)[0]) };
}

const shimDir = writeSbatchShim(join(work, "shim"), "${BENCH_SBATCH_LOG:-/dev/null}");
let logN = 0;
/** The environment of every timed command: the sbatch shim first on PATH, logging to a file of its own. */
function envFor(): { env: NodeJS.ProcessEnv; sbatchLog: string } {
  const sbatchLog = join(work, `sbatch-${String(++logN)}.log`);
  const env = { ...process.env, PATH: `${shimDir}:${process.env.PATH ?? ""}`, BENCH_SBATCH_LOG: sbatchLog, USER: process.env.USER ?? "root" };
  return { env, sbatchLog };
}

async function waitIdle(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (queuedUnder(work).length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("jobs are still queued or running 60 s after the run ended (squeue)");
}

interface ToolSpec {
  readonly run: readonly string[];
  /** The no-op's check on its output: what says nothing ran. */
  readonly nothingRan: RegExp;
}

function specs(partition: string, pipe: readonly string[]): Record<Tool, ToolSpec> {
  // Its own Slurm executor and status polling; resources that fit the one node (as pipe's, pipe-resources.ts).
  const snakemake = [
    "snakemake",
    "--slurm",
    "--jobs",
    String(fan),
    "--latency-wait",
    "1",
    "--default-resources",
    `slurm_partition=${partition}`,
    `mem_mb=${String(memMb)}`,
    `runtime=${String(timeMin)}`,
  ];
  const nothingRan = /Nothing to be done/;
  return {
    pipe: { run: [...pipe, "repro", "--executor", "slurm"], nothingRan: /\b0 ran, 0 restored\b/ },
    snakemake: { run: [...snakemake, "--max-status-checks-per-second", "1"], nothingRan },
    "snakemake-shipped": { run: snakemake, nothingRan },
  };
}

/** The controller's pid (scripts/slurm-cluster.sh's SlurmctldPidFile): a run during which it changed (someone restarted the cluster) is thrown away with an error. */
const controller = (): string => {
  const file = join(process.env.PIPE_SLURM_DIR ?? "/var/lib/pipe-slurm", "slurmctld.pid");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : "";
};
let controllerAtStart = "";
function checkCluster(what: string): void {
  const now = controller();
  if (now !== controllerAtStart)
    throw new Error(
      `the Slurm controller changed during ${what} (slurmctld pid ${controllerAtStart || "none"} -> ${now || "none"}): someone restarted or stopped the cluster; run the benchmark again`,
    );
}

function checkRun(what: string, l: Logged): void {
  checkCluster(what);
  if (l.code !== 0) throw new Error(`${what} exited with ${String(l.code)}:\n${tail(l)}`);
}

let recordSource: RecordSource | null = null;
const recordAttempts = new Set<string>();

async function measureRun(tool: Tool, rep: number, spec: ToolSpec, partition: string): Promise<{ run: RunResult; dir: string }> {
  const dir = join(work, `${tool}-${String(rep)}`);
  writeWorkflow(dir, tool === "pipe" ? "pipe" : "snakemake", stages);
  if (tool === "pipe") {
    sh(["git", "init", "-q", dir]);
    writePipeResources(dir, { partition, memMb, timeMin });
  }
  const { env, sbatchLog } = envFor();
  const argv = tool === "pipe" ? [...spec.run, "--json"] : spec.run;
  const l = await runLogged(argv, { cwd: dir, env });
  checkRun(`${tool} run ${String(rep)}`, l);
  await waitIdle();
  const submissions = readSubmissions(sbatchLog);
  const stamps = new Map(stages.map((s) => [s.name, existsSync(join(dir, s.out)) ? readFileSync(join(dir, s.out), "utf8") : ""]));
  const ids = submissions.map((s) => s.jobId);
  const rec = jobRecords(ids);
  recordSource ??= rec.source;
  for (const t of rec.tried) recordAttempts.add(t);
  const times = timeline({
    stages,
    stamps,
    submissions,
    recordedByStage: tool === "pipe" ? pipeRecorded(l.lines) : new Map(),
    recordedByJob: tool === "pipe" ? new Map() : snakemakeRecorded(l.lines),
    records: rec.records,
    started: l.started,
  });
  const foreignJobs = foreignJobsDuring(work, l.started, l.ended);
  const run: RunResult = { tool, rep, wall: l.ended - l.started, jobs: submissions.length, stages: times, load: load(), foreignJobs };
  const others = foreignJobs.length === 0 ? "" : `; ${String(foreignJobs.length)} jobs of others ran meanwhile: ${foreignJobs.join(",")}`;
  log(`${tool} run ${String(rep)}: ${run.wall.toFixed(2)} s, ${String(run.jobs)} jobs (load ${run.load.toFixed(2)}${others})`);
  return { run, dir };
}

/** pipe's up-to-date stamp (engine/src/memo/fresh-stamp.ts): removed, the next no-op checks every dep and out again. */
const STAMP = join(".cache", "memo", "fresh-v1.json");

async function noop(kind: NoopKind, rep: number, argv: readonly string[], dir: string, nothingRan: RegExp): Promise<NoopResult> {
  if (kind === "pipe-slurm-full" || kind === "pipe-local-full") {
    if (!existsSync(join(dir, STAMP))) throw new Error(`no up-to-date stamp ${STAMP} in ${dir} after a no-op: has pipe moved it?`);
    rmSync(join(dir, STAMP));
  }
  const before = jobsUnder(work);
  const { env, sbatchLog } = envFor();
  const l = await runLogged(argv, { cwd: dir, env });
  checkRun(`${kind} no-op`, l);
  const text = l.lines.map((x) => x.text).join("\n");
  if (!nothingRan.test(text)) throw new Error(`${kind} no-op in ${dir} ran something:\n${tail(l)}`);
  const added = [...jobsUnder(work)].filter((id) => !before.has(id));
  const submitted = Math.max(readSubmissions(sbatchLog).length, added.length);
  const r: NoopResult = { kind, rep, wall: l.ended - l.started, submitted, queued: queuedUnder(work).length };
  log(`  ${kind} no-op ${r.wall.toFixed(3)} s, ${String(r.submitted)} submitted, ${String(r.queued)} queued`);
  return r;
}

async function main(): Promise<void> {
  const { partition, cpus: nodeCpus } = cluster();
  controllerAtStart = controller();
  const pipe = snapshotPipe(work, "pipe-cli");
  const spec = specs(partition, pipe);
  const snakemakeVersion = tools.some((t) => t !== "pipe") ? sh(["snakemake", "--version"]) : null;
  log(`work folder ${work}; partition ${partition}, ${String(nodeCpus)} CPUs on the node; ${String(stages.length)} stages, ${String(reps)} runs each`);
  const runs: RunResult[] = [];
  const noops: NoopResult[] = [];
  try {
    for (let rep = 1; rep <= reps; rep++) {
      const here = tools.filter((t) => t !== "snakemake-shipped" || rep <= shippedReps);
      const order = rep % 2 === 1 ? here : [...here].reverse();
      for (const tool of order) {
        const { run, dir } = await measureRun(tool, rep, spec[tool], partition);
        runs.push(run);
        if (tool === "pipe") {
          noops.push(await noop("pipe-slurm-first", rep, spec.pipe.run, dir, spec.pipe.nothingRan));
          const local = [...pipe, "repro"];
          for (let k = 0; k < noopRuns; k++) {
            const first = k % 2 === 0 ? "slurm" : "local";
            for (const ex of first === "slurm" ? ["slurm", "local"] : ["local", "slurm"])
              noops.push(await noop(`pipe-${ex}-full` as NoopKind, rep, ex === "slurm" ? spec.pipe.run : local, dir, spec.pipe.nothingRan));
            for (const ex of first === "slurm" ? ["slurm", "local"] : ["local", "slurm"])
              noops.push(await noop(`pipe-${ex}` as NoopKind, rep, ex === "slurm" ? spec.pipe.run : local, dir, spec.pipe.nothingRan));
          }
        } else if (tool === "snakemake") {
          noops.push(await noop("snakemake-first", rep, spec.snakemake.run, dir, spec.snakemake.nothingRan));
          for (let k = 0; k < noopRuns; k++) noops.push(await noop("snakemake", rep, spec.snakemake.run, dir, spec.snakemake.nothingRan));
        }
        if (!o.keep) rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    if (!o.keep) rmSync(work, { recursive: true, force: true });
  }
  const table = renderTable({ stages: stages.length, fan, cpus: nodeCpus, runs, noops });
  process.stdout.write(table);
  const shared = runs.filter((r) => r.foreignJobs.length > 0).map((r) => `${r.tool} run ${String(r.rep)} (${String(r.foreignJobs.length)})`);
  if (shared.length > 0) process.stdout.write(`\nOther people's jobs ran on the cluster during: ${shared.join(", ")}\n`);
  process.stdout.write(`\nSlurm job records from: ${recordSource ?? "none"}${recordAttempts.size > 0 ? ` (${[...recordAttempts].join("; ")})` : ""}\n`);
  const outDir = join(REPO, "bench", "out");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "slurm.json");
  const meta = {
    command: `bench/slurm/run.sh ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString(),
    node: process.version,
    machineCpus: cpus().length,
    nodeCpus,
    partition,
    slurm: sh(["sinfo", "--version"]),
    snakemake: snakemakeVersion,
    snakemakeCommand: spec.snakemake.run.join(" "),
    snakemakeShippedCommand: spec["snakemake-shipped"].run.join(" "),
    shippedReps,
    pipeCommand: "node bin/pipe.js repro --executor slurm --json",
    pipeResources: { partition, memMb, timeMin, cpus: 1 },
    stages: stages.length,
    fan,
    sleepS,
    reps,
    noopRuns,
    recordSource,
    recordAttempts: [...recordAttempts],
  };
  writeFileSync(file, `${JSON.stringify({ ...meta, table, runs, noops }, null, 2)}\n`);
  log(`wrote ${file}`);
}

await main();
