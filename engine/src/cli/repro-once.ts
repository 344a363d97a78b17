// One `pipe repro` past the fast path: open the project, plan, then predict (--dry) or run.
import { planRun, predictRun, reproScope, reproTargets, type Plan, type Prediction } from "../index.js";
import { describeReason } from "../status/index.js";
import type { ReproOptions } from "./commands/repro.js";
import { catchInterrupts } from "./interrupts.js";
import { ExitCode, UserError, type CliIO } from "./io.js";
import { requireProject, requireStores } from "./open.js";
import { executorSettings, runRepro } from "./run-repro.js";
import { stagedNote } from "./slurm-note.js";
import { describeResources, resourceArgs, type Project, type SlurmResources } from "../index.js";
import type { StageName } from "../config/types.js";

/** The plan for `opts`, its targets read from `cwd` (see session/targets.ts). */
export function planOrThrow(project: Project, opts: ReproOptions, cwd: string = project.root): Plan {
  // Slurm queues what it cannot start yet: no cap on jobs in flight unless -j says so.
  const uncapped = !opts.jobsGiven && executorSettings(project.root, opts.executor).executor === "slurm";
  const jobs = uncapped ? Math.max(1, project.graph.order.length) : opts.jobs;
  const plan = planRun(project.graph, { ...opts, jobs, targets: reproTargets(project, cwd, opts) });
  if ("kind" in plan) throw new UserError(`pipe repro: unknown stage '${plan.target}' (stages: ${plan.known.join(", ")})`, ExitCode.usage);
  return plan;
}

/** `root`: the project root the fast path already found (null: none was found). */
export async function reproOnce(opts: ReproOptions, io: CliIO, root: string | null): Promise<number> {
  const project = await requireProject(io.cwd, root);
  const plan = planOrThrow(project, opts, io.cwd);
  if (opts.dry) {
    const stores = await requireStores(project);
    const settings = executorSettings(project.root, opts.executor);
    const predictions = await predictRun(plan, stores);
    const submit = settings.executor === "slurm" ? settings.resourcesFor : undefined;
    io.stdout(opts.json ? predictionsJson(predictions, submit) : renderPredictions(predictions, submit));
    const note = stagedNote(settings);
    if (note !== null) io.stderr(note);
    return ExitCode.ok;
  }
  const interrupts = catchInterrupts(io);
  try {
    const scope = opts.targets.length === 0 ? { scope: reproScope(project.root, io.cwd, opts.allPipelines) } : {};
    return (await runRepro(project, plan, { ...opts, ...scope }, io, interrupts)).code;
  } finally {
    interrupts.dispose();
  }
}

/** Fates after which the stage's commands run (so, with Slurm, a job is submitted). */
const runs = (d: Prediction["decision"]): boolean => d.kind === "run" || d.kind === "pending";

/** `--dry --json`: one line per planned stage, with the Slurm resources of those that would be submitted. */
export function predictionsJson(predictions: readonly Prediction[], submit?: (stage: StageName) => SlurmResources): string {
  return predictions
    .map(({ stage, decision: d }) => {
      const reasons = "reasons" in d ? d.reasons : [];
      const job = submit !== undefined && runs(d) ? { submit: { executor: "slurm", resources: submit(stage), sbatch: resourceArgs(submit(stage)) } } : {};
      return `${JSON.stringify({ stage, decision: d.kind, reasons, ...job })}\n`;
    })
    .join("");
}

/**
 * `would run  train  param changed: lr (params.yaml)`, one aligned row per planned stage; with
 * `submit` (the Slurm executor) `would submit`, and the job's resources at the end of the row.
 */
export function renderPredictions(predictions: readonly Prediction[], submit?: (stage: StageName) => SlurmResources): string {
  const rows = predictions.map((p): [string, string, string] => {
    const row = predictionRow(p);
    if (submit === undefined || !runs(p.decision)) return row;
    const r = describeResources(submit(p.stage));
    return [row[0].replace("would run", "would submit").replace("may run", "may submit"), row[1], `${row[2]}; as a Slurm job${r === "" ? "" : ` (${r})`}`];
  });
  const w0 = Math.max(0, ...rows.map((r) => r[0].length));
  const w1 = Math.max(0, ...rows.map((r) => r[1].length));
  return rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd()).join("\n") + (rows.length ? "\n" : "");
}

function predictionRow({ stage, decision: d }: Prediction): [string, string, string] {
  switch (d.kind) {
    case "frozen":
      return ["frozen", stage, ""];
    case "fresh":
      return ["up to date", stage, ""];
    case "pending": {
      const after = `${d.upstream.join(", ")}`;
      if (d.reasons.length === 0) return ["may run", stage, `if ${after} change${d.upstream.length === 1 ? "s" : ""} its outputs`];
      return ["would run", stage, `${describeReason(d.reasons[0] as never)}; after ${after}`];
    }
    case "fail":
      return ["would fail", stage, `dependency missing: ${d.failure.path}`];
    case "restore":
      return ["would restore", stage, `${d.reasons[0] ? describeReason(d.reasons[0]) : "forced"}; outputs seen before, in the run cache`];
    case "run":
      return ["would run", stage, d.forced ? "forced" : describeReason(d.reasons[0] as never)];
    default: {
      const never: never = d;
      throw new Error(`unknown decision ${JSON.stringify(never)}`);
    }
  }
}
