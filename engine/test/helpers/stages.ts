// Builders for in-memory pipelines, so unit tests of graph/plan/status/exec need no YAML or disk.
import type { DepSpec, OutSpec, Pipeline, RelPath, Stage, StageName } from "../../src/config/types.js";

const loc = { file: "pipeline.yaml", line: 1, col: 1 };

export interface StageInput {
  cmd?: string;
  deps?: string[];
  outs?: (string | { path: string; persist?: boolean; cache?: boolean })[];
  params?: Record<string, Record<string, unknown>>;
  frozen?: boolean;
  alwaysChanged?: boolean;
  env?: Record<string, string>;
}

export function stage(name: string, s: StageInput = {}): Stage {
  const deps: DepSpec[] = (s.deps ?? []).map((p) => ({ path: p as RelPath, glob: /[*?[\]{}]/.test(p), loc }));
  const outs: OutSpec[] = (s.outs ?? []).map((o) => {
    const spec = typeof o === "string" ? { path: o } : o;
    return { path: spec.path as RelPath, kind: "out", cache: spec.cache ?? true, persist: spec.persist ?? false, loc };
  });
  return {
    name: name as StageName,
    cmd: [s.cmd ?? `echo ${name}`],
    wdir: "" as RelPath,
    deps,
    params: Object.entries(s.params ?? {}).flatMap(([file, keys]) => Object.keys(keys).map((key) => ({ file: file as RelPath, key, loc }))),
    paramValues: s.params ?? {},
    outs,
    frozen: s.frozen ?? false,
    alwaysChanged: s.alwaysChanged ?? false,
    env: s.env ?? {},
    loc,
  };
}

export function pipeline(...stages: Stage[]): Pipeline {
  return { root: "/project", file: "pipeline.yaml" as RelPath, stages, sources: new Map() };
}
