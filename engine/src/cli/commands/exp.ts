// `pipe exp run|show|diff|apply`: run the pipeline with `-S` param overrides (now or queued as a
// grid), list recorded runs as a table, compare two of them, write one's params back.
//
// Param strategy for `exp run`: the overrides are written into the params files (comments and
// layout kept), a repro session runs as the experiment, and the original bytes are put back
// afterwards: on success, failure, Ctrl-C/SIGTERM and process exit. The run's outputs stay in the workspace (and in the cache), so
// `pipe exp apply NAME` then `pipe repro` brings the workspace to that experiment without re-running.
// `--run-all` without -j (or -j 1) runs queued entries that way, one after another; `-j N` runs up to
// N at once, each in its own workspace sharing the cache (./exp-run-all.ts), the user's files untouched.
import { checkOverrides, applyOverrides, describeOverrides, expandGrid, ExpStore, newId, parseSetArg, storedValues, writeParams } from "../../exp/index.js";
import type { FileValues, SetArg } from "../../exp/index.js";
import { compare, declaredOf, storedSide } from "../../metrics/index.js";
import type { Side } from "../../metrics/index.js";
import { renderExpShow, sortExperiments } from "../../render/exp-table.js";
import { renderDiff } from "../../render/metrics-table.js";
import { formatOptions, parseCommand, precisionOf, sideFor, tableFormat } from "../compare-options.js";
import { dispatch } from "../subcommands.js";
import { ExitCode, UserError } from "../io.js";
import type { CliIO, Command } from "../io.js";
import { catchInterrupts, type Interrupts } from "../interrupts.js";
import { requireProject, requireRoot, requireStores } from "../open.js";
import { planOrThrow, renderPredictions } from "../repro-once.js";
import { runRepro } from "../run-repro.js";
import { parseReproArgs, REPRO_HELP } from "./repro.js";
import { predictRun } from "../../index.js";
import { EXP_REMOTE_HELP, expTransfer } from "./exp-remote.js";
import { runAllParallel } from "./exp-run-all.js";

const HELP = `usage: pipe exp run [-S [file:]key=value ...] [--name NAME] [--queue] [--run-all [-j N] [--keep-workspaces]] [--executor local|slurm] [-- repro options]
       pipe exp show [--json|--md] [--sort-by KEY] [--sort-order asc|desc] [--precision N] [--keep REGEX] [--only-changed]
       pipe exp diff [A] [B] [--json|--md] [--all] [--precision N]
       pipe exp apply NAME
       pipe exp push|pull [NAME...] [-r REMOTE] [--no-run-cache]

run    set params for one run (the params files are restored afterwards) and run pipe repro;
       --queue stores every combination of comma-separated values instead (a grid);
       --run-all runs the queued combinations, one after another in this workspace;
       with -j N, up to N at once, each in its own workspace under .pipe/exp/workspaces/
       (a copy of the project as git sees it, sharing .cache/), removed afterwards unless
       --keep-workspaces; --executor is passed to each experiment's repro
show   one row per recorded run: params and metrics as columns
diff   compare the params and metrics of two experiments (B defaults to the workspace)
apply  write an experiment's params back into the params files
${EXP_REMOTE_HELP}`;

export const exp: Command = dispatch("pipe exp", HELP, {
  run,
  show,
  diff,
  apply,
  push: (argv, io) => expTransfer("push", argv, io),
  pull: (argv, io) => expTransfer("pull", argv, io),
});

async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = "pipe exp run";
  const split = argv.indexOf("--");
  const own = split < 0 ? argv : argv.slice(0, split);
  const reproArgv = split < 0 ? [] : argv.slice(split + 1);
  const { values, positionals } = parseCommand(cmd, own, {
    "set-param": { type: "string", short: "S", multiple: true, default: [] },
    name: { type: "string", short: "n" },
    queue: { type: "boolean", default: false },
    "run-all": { type: "boolean", default: false },
    jobs: { type: "string", short: "j" },
    "keep-workspaces": { type: "boolean", default: false },
    executor: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return help(io);
  const root = requireRoot(io.cwd);
  const store = new ExpStore(root);
  const sets: SetArg[] = values["set-param"].map((s) => {
    const r = parseSetArg(s);
    if (!r.ok) throw new UserError(`${cmd}: ${r.error}`);
    return r.value;
  });
  const grid = expandGrid(sets);
  for (const o of grid) {
    const checked = checkOverrides(root, o);
    if (!checked.ok) throw new UserError(`${cmd}: ${checked.error}`);
  }
  if (values.name !== undefined && (await store.hasName(values.name))) {
    throw new UserError(`${cmd}: an experiment named "${values.name}" already exists`);
  }
  const targets = [...positionals, ...reproArgv, ...(values.executor === undefined ? [] : ["--executor", values.executor])];
  if (values["keep-workspaces"] && !(values["run-all"] && values.jobs !== undefined && values.jobs !== "1")) {
    throw new UserError(`${cmd}: --keep-workspaces is for --run-all -j N (N > 1), which runs experiments in workspaces`);
  }

  if (values.queue) {
    for (const [i, overrides] of grid.entries()) {
      const name = values.name === undefined ? undefined : grid.length === 1 ? values.name : `${values.name}-${i + 1}`;
      await store.enqueue({ schema: 1, id: newId(), createdAt: new Date().toISOString(), overrides, ...(name !== undefined ? { name } : {}) });
      io.stderr(`queued ${name ?? "experiment"}: ${describeOverrides(overrides) || "(no overrides)"}\n`);
    }
    io.stderr(`${grid.length} experiment${grid.length === 1 ? "" : "s"} queued; run them with pipe exp run --run-all\n`);
    return ExitCode.ok;
  }
  const interrupts = catchInterrupts(io);
  try {
    return await runNowOrAll(cmd, root, store, values, sets, grid, targets, io, interrupts);
  } finally {
    interrupts.dispose();
  }
}

async function runNowOrAll(
  cmd: string,
  root: string,
  store: ExpStore,
  values: { readonly name?: string | undefined; readonly "run-all": boolean; readonly jobs?: string | undefined; readonly "keep-workspaces": boolean },
  sets: readonly SetArg[],
  grid: readonly FileValues[],
  targets: readonly string[],
  io: CliIO,
  interrupts: Interrupts,
): Promise<number> {
  if (values["run-all"]) {
    if (sets.length > 0) throw new UserError(`${cmd}: --run-all runs the queue; queue overrides with --queue -S ...`);
    const jobs = values.jobs === undefined ? 1 : Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`${cmd}: -j expects a positive integer, got "${values.jobs ?? ""}"`);
    if (jobs > 1) {
      const repro = parseReproArgs(targets);
      if (repro === "help") return help(io);
      if (repro.watch) throw new UserError(`${cmd}: --watch cannot be an experiment's repro option`);
      return runAllParallel({ root, store, jobs, repro, keepWorkspaces: values["keep-workspaces"] }, io, interrupts);
    }
    let failed = 0;
    let ran = 0;
    for (const entry of await store.queued()) {
      if (interrupts.signal.aborted) break;
      if (!(await store.claim(entry.id))) continue; // another runner took it
      try {
        io.stderr(`running ${entry.name ?? "queued experiment"}: ${describeOverrides(entry.overrides) || "(no overrides)"}\n`);
        // params files may have changed since the entry was queued
        const checked = checkOverrides(root, entry.overrides);
        if (!checked.ok) {
          io.stderr(`${cmd}: skipped: ${checked.error}\n`);
          failed++;
          continue;
        }
        const code = await runOne(root, entry.overrides, entry.name, targets, io, interrupts);
        ran++;
        if (code !== ExitCode.ok) failed++;
      } finally {
        await store.done(entry.id);
      }
    }
    io.stderr(`${ran} queued experiment${ran === 1 ? "" : "s"} run, ${failed} failed\n`);
    return failed > 0 ? ExitCode.stageFailed : ExitCode.ok;
  }
  if (grid.length > 1) throw new UserError(`${cmd}: several values for one param make a grid: add --queue, then run --run-all`);
  return runOne(root, grid[0] ?? {}, values.name, targets, io, interrupts);
}

/** One experiment: overrides written, a repro session run as the experiment, params files restored whatever happens. */
async function runOne(
  root: string,
  overrides: FileValues,
  name: string | undefined,
  reproArgv: readonly string[],
  io: CliIO,
  interrupts: Interrupts,
): Promise<number> {
  const opts = parseReproArgs(reproArgv);
  if (opts === "help") {
    io.stdout(REPRO_HELP);
    return ExitCode.ok;
  }
  if (opts.watch) throw new UserError("pipe exp run: --watch cannot be an experiment's repro option");
  const applied = applyOverrides(root, overrides);
  const removeHook = interrupts.onExit(() => applied.restore());
  try {
    const project = await requireProject(root);
    const plan = planOrThrow(project, opts);
    if (opts.dry) {
      io.stdout(renderPredictions(await predictRun(plan, await requireStores(project))));
      return ExitCode.ok;
    }
    const { code, result } = await runRepro(project, plan, opts, io, interrupts, { ...(name !== undefined ? { name } : {}), overrides });
    if (result.experiment?.ok) io.stderr(`experiment ${result.experiment.value.name} recorded (${result.experiment.value.status})\n`);
    return code;
  } finally {
    applied.restore();
    removeHook();
  }
}

async function show(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = "pipe exp show";
  const { values, positionals } = parseCommand(cmd, argv, {
    ...formatOptions,
    "sort-by": { type: "string" },
    "sort-order": { type: "string", default: "asc" },
    keep: { type: "string" },
    "only-changed": { type: "boolean", default: false },
  });
  if (values.help) return help(io);
  let keep: RegExp | undefined;
  try {
    keep = values.keep === undefined ? undefined : new RegExp(values.keep);
  } catch {
    throw new UserError(`${cmd}: --keep expects a regular expression, got "${values.keep}"`);
  }
  if (positionals.length > 0) throw new UserError(`${cmd}: unexpected argument "${positionals[0] ?? ""}"`);
  const format = tableFormat(cmd, values);
  const precision = precisionOf(cmd, values.precision);
  const order = values["sort-order"];
  if (order !== "asc" && order !== "desc") throw new UserError(`${cmd}: --sort-order expects asc or desc, got "${order}"`);
  const { records, warnings } = await new ExpStore(requireRoot(io.cwd)).list();
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
  let rows = records;
  if (values["sort-by"] !== undefined) {
    const sorted = sortExperiments(records, values["sort-by"], order);
    if (sorted === undefined && records.length > 0) throw new UserError(`${cmd}: no experiment has a metric or param "${values["sort-by"]}"`);
    rows = sorted ?? records;
  }
  if (rows.length === 0 && format === "plain") {
    io.stderr("no experiments recorded yet (every pipe repro that runs a stage records one)\n");
    return ExitCode.ok;
  }
  io.stdout(renderExpShow(rows, { format, precision, ...(keep ? { keep } : {}), onlyChanged: values["only-changed"] }));
  return ExitCode.ok;
}

async function diff(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = "pipe exp diff";
  const { values, positionals } = parseCommand(cmd, argv, { ...formatOptions, all: { type: "boolean", short: "a", default: false } });
  if (values.help) return help(io);
  if (positionals.length > 2) throw new UserError(`${cmd}: expected at most two experiments`);
  const format = tableFormat(cmd, values);
  const precision = precisionOf(cmd, values.precision);
  const root = requireRoot(io.cwd);
  const store = new ExpStore(root);
  const experiment = async (ref: string | undefined): Promise<Side> => {
    const record = ref === undefined ? await store.latest() : await store.find(ref);
    if (record === undefined) throw new UserError(ref === undefined ? `${cmd}: no experiment recorded yet` : `${cmd}: unknown experiment "${ref}"`);
    return storedSide(storedValues(record));
  };
  const a = await experiment(positionals[0]);
  const b =
    positionals[1] === undefined ? await sideFor(cmd, root, "workspace", declaredOf((await requireProject(root)).pipeline)) : await experiment(positionals[1]);
  const [p, m] = await Promise.all([compare(a, b, "params", { all: values.all }), compare(a, b, "metrics", { all: values.all })]);
  const labels = { oldLabel: a.label, newLabel: b.label, precision };
  if (format === "json") {
    io.stdout(
      `{\n  "params": ${indent(renderDiff(p.diff, { format, keyHeader: "Param", ...labels }))},\n  "metrics": ${indent(renderDiff(m.diff, { format, keyHeader: "Metric", ...labels }))}\n}\n`,
    );
  } else {
    const parts = [renderDiff(p.diff, { format, keyHeader: "Param", ...labels }), renderDiff(m.diff, { format, keyHeader: "Metric", ...labels })].filter(
      (t) => t !== "",
    );
    io.stdout(parts.join("\n"));
  }
  return ExitCode.ok;
}

const indent = (json: string): string => json.trimEnd().split("\n").join("\n  ");

async function apply(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = "pipe exp apply";
  const { values, positionals } = parseCommand(cmd, argv, { help: { type: "boolean", short: "h", default: false } });
  if (values.help) return help(io);
  const [ref, extra] = positionals;
  if (ref === undefined || extra !== undefined) throw new UserError(`${cmd}: expected exactly one experiment name`);
  const root = requireRoot(io.cwd);
  const record = await new ExpStore(root).find(ref);
  if (record === undefined) throw new UserError(`${cmd}: unknown experiment "${ref}"`);
  writeParams(root, record.params);
  const files = Object.keys(record.params).sort();
  io.stderr(`applied the params of ${record.name} to ${files.join(", ") || "(no params files)"}; run pipe repro to restore its outputs\n`);
  return ExitCode.ok;
}

function help(io: CliIO): number {
  io.stdout(HELP);
  return ExitCode.ok;
}
