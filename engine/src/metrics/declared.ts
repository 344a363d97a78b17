// What a pipeline declares for comparison: its metrics files, plots (with DVC plot options) and
// params references, merged across stages (and across the two sides of a diff).
import type { Pipeline, PlotOptions } from "../config/types.js";
import { compareKeys } from "./flatten.js";

export interface DeclaredPlot {
  readonly path: string;
  readonly options: PlotOptions;
}

/** A params reference: a dotted key of a params file, or the whole file (`key` null). */
export interface DeclaredParam {
  readonly file: string;
  readonly key: string | null;
}

/** The comparable surface of a pipeline, deduplicated and sorted. */
export interface Declared {
  readonly metrics: readonly string[];
  readonly plots: readonly DeclaredPlot[];
  readonly params: readonly DeclaredParam[];
}

export const emptyDeclared: Declared = { metrics: [], plots: [], params: [] };

export function declaredOf(pipeline: Pipeline): Declared {
  const metrics: string[] = [];
  const plots: DeclaredPlot[] = [];
  const params: DeclaredParam[] = [];
  for (const stage of pipeline.stages) {
    for (const out of stage.outs) {
      if (out.kind === "metric") metrics.push(out.path);
      else if (out.kind === "plot") plots.push({ path: out.path, options: out.plot ?? {} });
    }
    for (const p of stage.params) params.push({ file: p.file, key: p.key });
  }
  return normalize({ metrics, plots, params });
}

/** Union of two declarations (a file declared at A or at B is compared on both sides). */
export function mergeDeclared(a: Declared, b: Declared): Declared {
  return normalize({
    metrics: [...a.metrics, ...b.metrics],
    plots: [...a.plots, ...b.plots],
    params: [...a.params, ...b.params],
  });
}

function normalize(d: Declared): Declared {
  const metrics = [...new Set(d.metrics)].sort(compareKeys);
  const plotMap = new Map<string, DeclaredPlot>();
  for (const p of d.plots) if (!plotMap.has(p.path)) plotMap.set(p.path, p);
  const plots = [...plotMap.values()].sort((x, y) => compareKeys(x.path, y.path));
  const paramMap = new Map<string, DeclaredParam>();
  for (const p of d.params) paramMap.set(`${p.file}\0${p.key ?? ""}`, p);
  const params = [...paramMap.values()].sort(
    (x, y) => compareKeys(x.file, y.file) || compareKeys(x.key ?? "", y.key ?? ""),
  );
  return { metrics, plots, params };
}
