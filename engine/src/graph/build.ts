// Builds the stage graph from a validated pipeline: edges from paths, and the graph-level checks
// (duplicate and overlapping outs, deps nothing produces and nothing provides, cycles).
import { createRequire } from "node:module";
import type * as Graphlib from "@dagrejs/graphlib";
import type { Pipeline, RelPath, Stage, StageName } from "../config/types.js";
import type { Diagnostic, Result, SourceLocation } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";
import { ancestors, globTouches } from "./paths.js";

const GRAPH_BRAND: unique symbol = Symbol("PipelineGraph");

/** An edge from the stage that produces `path` to the stage whose dep reads it. */
export interface Edge {
  readonly from: StageName;
  readonly to: StageName;
  readonly path: RelPath;
  readonly loc: SourceLocation;
}

/**
 * The checked, acyclic stage graph. Only `buildGraph` can make one (the brand), so the executor
 * can never be handed a pipeline that skipped validation.
 */
export interface PipelineGraph {
  readonly [GRAPH_BRAND]: true;
  readonly pipeline: Pipeline;
  /** Every stage in a deterministic topological order (file order among independent stages). */
  readonly order: readonly StageName[];
  readonly edges: readonly Edge[];
  readonly stage: (name: StageName) => Stage;
  readonly upstream: (name: StageName) => readonly StageName[];
  readonly downstream: (name: StageName) => readonly StageName[];
}

export interface GraphEnv {
  /** Whether a root-relative path exists in the workspace (for deps no stage produces). */
  exists(path: RelPath): boolean;
}

interface OutOwner {
  readonly stage: Stage;
  readonly path: RelPath;
  readonly loc: SourceLocation;
}

export function buildGraph(pipeline: Pipeline, env: GraphEnv): Result<PipelineGraph, Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const owners = indexOuts(pipeline.stages, diagnostics);
  const byName = new Map(pipeline.stages.map((s) => [s.name, s] as const));
  const edges = findEdges(pipeline.stages, owners, env, diagnostics);

  const order = topoOrder(pipeline.stages, edges);
  if (order.length < pipeline.stages.length) diagnostics.push(...cycleDiagnostics(edges, pipeline.stages));
  if (diagnostics.some((d) => d.severity === "error")) return err(diagnostics);

  const up = new Map<StageName, StageName[]>();
  const down = new Map<StageName, StageName[]>();
  for (const e of edges) {
    pushUnique(up, e.to, e.from);
    pushUnique(down, e.from, e.to);
  }
  return ok({
    [GRAPH_BRAND]: true,
    pipeline,
    order,
    edges,
    stage: (name) => {
      const s = byName.get(name);
      if (!s) throw new Error(`internal: unknown stage ${name}`);
      return s;
    },
    upstream: (name) => up.get(name) ?? [],
    downstream: (name) => down.get(name) ?? [],
  });
}

function pushUnique<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

/** Map out path → owner; reports duplicate and overlapping outs. */
function indexOuts(stages: readonly Stage[], diagnostics: Diagnostic[]): Map<string, OutOwner> {
  const owners = new Map<string, OutOwner>();
  for (const stage of stages) {
    for (const out of stage.outs) {
      const prev = owners.get(out.path);
      if (prev) {
        diagnostics.push({
          severity: "error",
          code: "duplicate-output",
          message: `output '${out.path}' of stage '${stage.name}' is also an output of stage '${prev.stage.name}'`,
          location: out.loc,
          related: [{ message: `first declared by '${prev.stage.name}' here`, location: prev.loc }],
        });
        continue;
      }
      owners.set(out.path, { stage, path: out.path, loc: out.loc });
    }
  }
  for (const owner of owners.values()) {
    for (const dir of ancestors(owner.path)) {
      const outer = owners.get(dir);
      if (!outer) continue;
      diagnostics.push({
        severity: "error",
        code: "overlapping-output",
        message: `output '${owner.path}' of stage '${owner.stage.name}' lies inside output '${outer.path}' of stage '${outer.stage.name}'`,
        location: owner.loc,
        related: [{ message: `'${outer.path}' declared here`, location: outer.loc }],
      });
    }
  }
  return owners;
}

function findEdges(stages: readonly Stage[], owners: Map<string, OutOwner>, env: GraphEnv, diagnostics: Diagnostic[]): Edge[] {
  // Folders that contain outs, for directory deps (`data` depends on the producer of `data/raw`).
  const outsUnder = new Map<string, OutOwner[]>();
  for (const o of owners.values()) for (const dir of ancestors(o.path)) pushUnique(outsUnder, dir, o);

  const edges: Edge[] = [];
  const seen = new Set<string>();
  const add = (from: Stage, to: Stage, path: RelPath, loc: SourceLocation): void => {
    if (from.name === to.name) return;
    const key = `${from.name}\0${to.name}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ from: from.name, to: to.name, path, loc });
  };
  const allOwners = [...owners.values()];
  for (const stage of stages) {
    for (const dep of stage.deps) {
      if (dep.glob) {
        const touches = globTouches(dep.path);
        for (const o of allOwners) if (touches(o.path)) add(o.stage, stage, dep.path, dep.loc);
        continue;
      }
      let produced = false;
      for (const p of [dep.path, ...ancestors(dep.path)]) {
        const o = owners.get(p);
        if (o) {
          produced = true;
          add(o.stage, stage, dep.path, dep.loc);
        }
      }
      for (const o of outsUnder.get(dep.path) ?? []) {
        produced = true;
        add(o.stage, stage, dep.path, dep.loc);
      }
      if (!produced && !env.exists(dep.path)) {
        diagnostics.push({
          severity: "error",
          code: "missing-dep",
          message: `dependency '${dep.path}' of stage '${stage.name}' does not exist and no stage produces it`,
          location: dep.loc,
        });
      }
    }
  }
  return edges;
}

/** Kahn's algorithm, taking ready stages in file order so the result is deterministic. */
function topoOrder(stages: readonly Stage[], edges: readonly Edge[]): StageName[] {
  const index = new Map(stages.map((s, i) => [s.name, i] as const));
  const indegree = new Map<StageName, number>(stages.map((s) => [s.name, 0]));
  const out = new Map<StageName, StageName[]>();
  for (const e of edges) {
    indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
    pushUnique(out, e.from, e.to);
  }
  const ready = stages.filter((s) => indegree.get(s.name) === 0).map((s) => s.name);
  const order: StageName[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0));
    const next = ready.shift() as StageName;
    order.push(next);
    for (const to of out.get(next) ?? []) {
      const d = (indegree.get(to) ?? 0) - 1;
      indegree.set(to, d);
      if (d === 0) ready.push(to);
    }
  }
  return order;
}

/** graphlib finds the cycles; loaded only when there is one (a valid pipeline never pays for it). */
function loadGraphlib(): typeof Graphlib {
  return createRequire(import.meta.url)("@dagrejs/graphlib") as typeof Graphlib;
}

function cycleDiagnostics(edges: readonly Edge[], stages: readonly Stage[]): Diagnostic[] {
  const { Graph, alg } = loadGraphlib();
  const g = new Graph({ directed: true, multigraph: false });
  for (const s of stages) g.setNode(s.name);
  for (const e of edges) g.setEdge(e.from, e.to);
  const index = new Map(stages.map((s, i) => [s.name as string, i] as const));
  const cycles = alg.findCycles(g).map((c) => {
    // Rotate so the cycle starts at its first stage in file order, then walk it along edges.
    const members = new Set(c);
    const start = [...c].sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0))[0] as string;
    const path = [start];
    let cur = start;
    for (;;) {
      const next = edges.filter((e) => e.from === cur && members.has(e.to)).sort((a, b) => (index.get(a.to) ?? 0) - (index.get(b.to) ?? 0))[0];
      if (!next || next.to === start || path.includes(next.to)) break;
      path.push(next.to);
      cur = next.to;
    }
    return path;
  });
  cycles.sort((a, b) => (index.get(a[0] ?? "") ?? 0) - (index.get(b[0] ?? "") ?? 0));
  return cycles.map((cycle) => {
    const related = cycle.map((from, i) => {
      const to = cycle[(i + 1) % cycle.length];
      const e = edges.find((x) => x.from === from && x.to === to);
      return e ? { message: `'${e.to}' depends on '${e.from}' through '${e.path}'`, location: e.loc } : undefined;
    });
    const first = related.find((r) => r !== undefined);
    return {
      severity: "error" as const,
      code: "cycle",
      message: `dependency cycle: ${[...cycle, cycle[0]].join(" -> ")}`,
      ...(first ? { location: first.location } : {}),
      related: related.filter((r) => r !== undefined),
    };
  });
}
