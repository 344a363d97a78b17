// `pipe repro [targets] [options]`: run the stale stages, in dependency order, in parallel where
// the graph allows. Parses options, then: replay a still-valid up-to-date verdict, or open the
// project, plan, and either predict (--dry) or run a session; renders what comes back.
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import type { PlanOptions } from "../../plan/index.js";
import { EXECUTOR_NAMES, type ExecutorName } from "../../exec/index.js";
import { findRoot } from "../../session/root.js";
import { replayIfUpToDate, reproScope } from "../../session/replay.js";
import { ExitCode, UserError, type CliIO, type Command } from "../io.js";
import { makeReporter } from "../reporter.js";

export const REPRO_HELP = `usage: pipe repro [targets...] [options]

Run the stale stages of the pipeline (and, with targets, the stale stages upstream of them).
Targets: stage names, sub/dvc.yaml:stage, sub/dvc.yaml (all its stages). With several pipelines
and no target, the pipeline of the current folder (and its upstream).

options:
  -P, --all-pipelines  reproduce every pipeline of the project
  -R, --recursive      the targets are folders: every pipeline under them
  -f, --force          run the selected stages even when they are up to date
  -s, --single-item    run only the targets, not their upstream
      --downstream     run the targets and everything downstream of them
      --dry            print what would run, change nothing
  -j, --jobs N         run up to N independent stages at once (default: number of cores;
                       with the slurm executor, no limit)
      --executor NAME  where stages run: local (default) or slurm (each stage an sbatch job);
                       default from .pipe/config's [core] executor
  -k, --keep-going     on a failure, skip only the stages that depend on it
      --no-run-cache   never restore outputs from the run cache; always run
      --pull           on a run-cache miss, look the stage up in the remote's run cache
                       (pipe push --run-cache fills it) and fetch its outputs instead of running
  -r, --remote NAME    the remote for --pull (default: the default remote)
      --json           print events as JSON lines on stdout
      --log-dir DIR    also write each stage's output to DIR/<stage>.log
      --watch          after the run, re-run whenever a dependency changes
`;

export interface ReproOptions extends PlanOptions {
  readonly dry: boolean;
  readonly json: boolean;
  readonly watch: boolean;
  readonly logDir?: string;
  readonly allPipelines: boolean;
  readonly recursive: boolean;
  /** Consult the remote's run cache on a local miss. */
  readonly pull: boolean;
  readonly remote?: string;
  /** `--executor`; absent: `.pipe/config`'s `executor`, else local. */
  readonly executor?: ExecutorName;
  /** Whether `-j` was given: with the slurm executor, `jobs` caps only then. */
  readonly jobsGiven: boolean;
}

export function parseReproArgs(argv: readonly string[]): ReproOptions | "help" {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      force: { type: "boolean", short: "f", default: false },
      "single-item": { type: "boolean", short: "s", default: false },
      downstream: { type: "boolean", default: false },
      dry: { type: "boolean", default: false },
      jobs: { type: "string", short: "j" },
      "keep-going": { type: "boolean", short: "k", default: false },
      "no-run-cache": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "log-dir": { type: "string" },
      watch: { type: "boolean", default: false },
      "all-pipelines": { type: "boolean", short: "P", default: false },
      recursive: { type: "boolean", short: "R", default: false },
      pull: { type: "boolean", default: false },
      remote: { type: "string", short: "r" },
      executor: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  if (values.remote !== undefined && !values.pull) throw new UserError("pipe repro: -r/--remote is for --pull");
  let jobs = availableParallelism();
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`pipe repro: --jobs must be a positive integer, got '${values.jobs}'`);
  }
  const executor = values.executor;
  if (executor !== undefined && !(EXECUTOR_NAMES as readonly string[]).includes(executor)) {
    throw new UserError(`pipe repro: --executor must be one of ${EXECUTOR_NAMES.join(", ")}, got '${executor}'`);
  }
  return {
    targets: positionals,
    force: values.force,
    singleItem: values["single-item"],
    downstream: values.downstream,
    jobs,
    jobsGiven: values.jobs !== undefined,
    policy: values["keep-going"] ? "keep-going" : "fail-fast",
    useRunCache: !values["no-run-cache"],
    dry: values.dry,
    json: values.json,
    watch: values.watch,
    allPipelines: values["all-pipelines"],
    recursive: values.recursive,
    pull: values.pull,
    ...(values.remote !== undefined ? { remote: values.remote } : {}),
    ...(executor !== undefined ? { executor: executor as ExecutorName } : {}),
    ...(values["log-dir"] !== undefined ? { logDir: values["log-dir"] } : {}),
  };
}

export const repro: Command = async (argv, io: CliIO) => {
  const opts = parseReproArgs(argv);
  if (opts === "help") {
    io.stdout(REPRO_HELP);
    return ExitCode.ok;
  }
  if (opts.watch) return (await import("../watch.js")).watchRepro(opts, io);
  const root = findRoot(io.cwd);
  if (root !== null && !opts.dry && opts.logDir === undefined) {
    const reporter = makeReporter(io, opts.json);
    const scope = reproScope(root, io.cwd, opts.allPipelines);
    const replayed = replayIfUpToDate(root, { targets: opts.targets, force: opts.force, jobs: opts.jobs, sink: reporter.emit, scope });
    reporter.close();
    if (replayed !== null) return ExitCode.ok;
  }
  // The rest of the engine is loaded only when the stamp could not answer.
  return (await import("../repro-once.js")).reproOnce(opts, io, root);
};
