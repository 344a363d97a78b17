// `pipe repro --dry`: the plan with each stage's predicted fate, computed from the workspace as it
// is now. Changes nothing (no stat-cache flush, no lock, no cache writes).
import type { StageName } from "../config/types.js";
import type { Plan } from "../plan/index.js";
import { plannedUpstream } from "../plan/index.js";
import { describeReason, observe, verdict, type StaleReason } from "../status/index.js";
import { ExitCode, type CliIO } from "./io.js";
import type { Project } from "./project.js";
import { openWorkspace } from "./workspace.js";

export type DryFate = "run" | "restore" | "maybe" | "fresh" | "frozen";

export async function dryRun(project: Project, plan: Plan, io: CliIO): Promise<number> {
  const ws = await openWorkspace(project.root);
  const fates = new Map<StageName, DryFate>();
  const rows: [string, string, string][] = [];
  for (const name of plan.stages) {
    const stage = project.graph.stage(name);
    const forced = plan.forced.has(name);
    if (stage.frozen && !forced) {
      fates.set(name, "frozen");
      rows.push(["frozen", name, ""]);
      continue;
    }
    const obs = await observe(stage, ws.hasher);
    const v = verdict(stage, obs, ws.lock.stages[name], { forced, useRunCache: plan.useRunCache });
    const upstreamChanges = plannedUpstream(plan, name).filter((u) => ["run", "restore", "maybe"].includes(fates.get(u) ?? ""));
    let fate: DryFate;
    let why: string;
    if (v.kind === "stale") {
      fate = "run";
      why = v.forced ? "forced" : describeReason(v.reasons[0] as StaleReason);
      if (v.fingerprint && v.mayRestore && (await ws.cache.getRun(v.fingerprint))) {
        fate = "restore";
        why = `${why}; outputs seen before, in the run cache`;
      }
    } else if (upstreamChanges.length > 0) {
      fate = "maybe";
      why = `if ${upstreamChanges.join(", ")} change${upstreamChanges.length === 1 ? "s" : ""} its outputs`;
    } else {
      fate = "fresh";
      why = "";
    }
    fates.set(name, fate);
    rows.push([{ run: "would run", restore: "would restore", maybe: "may run", fresh: "up to date", frozen: "frozen" }[fate], name, why]);
  }
  const w0 = Math.max(0, ...rows.map((r) => r[0].length));
  const w1 = Math.max(0, ...rows.map((r) => r[1].length));
  io.stdout(rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd()).join("\n") + (rows.length ? "\n" : ""));
  return ExitCode.ok;
}
