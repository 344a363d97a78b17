// One `pipe repro` past the fast path: open the project, plan, then predict (--dry) or run.
import { planRun, predictRun, reproScope, reproTargets, type Plan, type Prediction } from "../index.js";
import { describeReason } from "../status/index.js";
import type { ReproOptions } from "./commands/repro.js";
import { catchInterrupts } from "./interrupts.js";
import { ExitCode, UserError, type CliIO } from "./io.js";
import { requireProject, requireStores } from "./open.js";
import { runRepro } from "./run-repro.js";
import type { Project } from "../index.js";

/** The plan for `opts`, its targets read from `cwd` (see session/targets.ts). */
export function planOrThrow(project: Project, opts: ReproOptions, cwd: string = project.root): Plan {
  const plan = planRun(project.graph, { ...opts, targets: reproTargets(project, cwd, opts) });
  if ("kind" in plan) throw new UserError(`pipe repro: unknown stage '${plan.target}' (stages: ${plan.known.join(", ")})`, ExitCode.usage);
  return plan;
}

/** `root`: the project root the fast path already found (null: none was found). */
export async function reproOnce(opts: ReproOptions, io: CliIO, root: string | null): Promise<number> {
  const project = await requireProject(io.cwd, root);
  const plan = planOrThrow(project, opts, io.cwd);
  if (opts.dry) {
    const stores = await requireStores(project);
    io.stdout(renderPredictions(await predictRun(plan, stores)));
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

/** `would run  train  param changed: lr (params.yaml)`, one aligned row per planned stage. */
export function renderPredictions(predictions: readonly Prediction[]): string {
  const rows = predictions.map(({ stage, decision: d }): [string, string, string] => {
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
  });
  const w0 = Math.max(0, ...rows.map((r) => r[0].length));
  const w1 = Math.max(0, ...rows.map((r) => r[1].length));
  return rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd()).join("\n") + (rows.length ? "\n" : "");
}
