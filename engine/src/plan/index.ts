// The pure planner: which stages a `repro` invocation covers, in which order, with which options.
// No I/O here; staleness is decided per stage by the executor when its turn comes.
import { isPipelineFileTarget, isSubPipeline, pipelineOfStage } from "../config/address.js";
import type { StageName } from "../config/types.js";
import type { PipelineGraph } from "../graph/index.js";

export type FailurePolicy = "fail-fast" | "keep-going";

export interface PlanOptions {
  /**
   * Stage names, `name@key`, or a foreach/matrix group name (all of its `name@...` stages); with
   * several pipelines, addresses (`sub/dvc.yaml:train`, `dvc.yaml:train` for the root's) and
   * pipeline files (`sub/dvc.yaml`: all its stages), root-relative.
   */
  readonly targets: readonly string[];
  readonly force: boolean;
  readonly singleItem: boolean;
  readonly downstream: boolean;
  readonly jobs: number;
  readonly policy: FailurePolicy;
  readonly useRunCache: boolean;
}

export interface Plan {
  readonly graph: PipelineGraph;
  /** The stages this run covers, topologically ordered. */
  readonly stages: readonly StageName[];
  /** For each planned stage, the planned stages it waits for. */
  readonly upstream: ReadonlyMap<StageName, readonly StageName[]>;
  /** Stages run even when fresh (`--force`); frozen stages run only when forced. */
  readonly forced: ReadonlySet<StageName>;
  readonly jobs: number;
  readonly policy: FailurePolicy;
  readonly useRunCache: boolean;
}

export type PlanError = { readonly kind: "unknown-target"; readonly target: string; readonly known: readonly string[] };

export function resolveTargets(graph: PipelineGraph, targets: readonly string[]): StageName[] | PlanError {
  const names = graph.order;
  const picked: StageName[] = [];
  for (const t of targets) {
    const group = matching(names, t);
    if (group.length === 0) return { kind: "unknown-target", target: t, known: [...names] };
    for (const n of group) if (!picked.includes(n)) picked.push(n);
  }
  return picked;
}

/** The stages a target names: a stage, a group, an address, or every stage of a pipeline file. */
function matching(names: readonly StageName[], t: string): StageName[] {
  const exact = names.filter((n) => n === t);
  if (exact.length > 0) return exact;
  const group = names.filter((n) => n.startsWith(`${t}@`));
  if (group.length > 0) return group;
  if (isPipelineFileTarget(t)) {
    const file = isSubPipeline(t) ? t : "";
    return names.filter((n) => pipelineOfStage(n) === file);
  }
  // `dvc.yaml:train` names the root pipeline's `train`.
  const root = /^(?:pipeline|dvc)\.yaml:(.+)$/.exec(t);
  return root === null ? [] : matching(names, root[1] as string);
}

export function planRun(graph: PipelineGraph, opts: PlanOptions): Plan | PlanError {
  let selected: Set<StageName>;
  if (opts.targets.length === 0) {
    selected = new Set(graph.order);
  } else {
    const targets = resolveTargets(graph, opts.targets);
    if (!Array.isArray(targets)) return targets;
    selected = new Set(targets);
    if (!opts.singleItem) {
      const walk = opts.downstream ? graph.downstream : graph.upstream;
      const stack = [...targets];
      while (stack.length > 0) {
        const cur = stack.pop() as StageName;
        for (const next of walk(cur)) {
          if (!selected.has(next)) {
            selected.add(next);
            stack.push(next);
          }
        }
      }
    }
  }
  const stages = graph.order.filter((n) => selected.has(n));
  const upstream = new Map(stages.map((n) => [n, graph.upstream(n).filter((u) => selected.has(u))] as const));
  return {
    graph,
    stages,
    upstream,
    forced: new Set(opts.force ? stages : []),
    jobs: Math.max(1, opts.jobs),
    policy: opts.policy,
    useRunCache: opts.useRunCache,
  };
}

/** Within a plan, the planned stages a stage waits for (its upstream that the plan also covers). */
export function plannedUpstream(plan: Plan, name: StageName): readonly StageName[] {
  return plan.upstream.get(name) ?? [];
}
