// Several pipelines in one project (DVC collects every dvc.yaml in the tree): each file is loaded
// with its folder as the base of its paths (deps, outs, wdir, params and vars files become
// root-relative, so one graph connects the pipelines through their paths), its stages renamed to
// their addresses (`sub/dvc.yaml:train`), and everything merged into one Pipeline.
import type { Diagnostic, Result } from "../diagnostics/types.js";
import { isSubPipeline, stageAddress } from "./address.js";
import type { ConfigFs } from "./fs.js";
import { loadPipelineReport, type PipelineReport } from "./load.js";
import type { Pipeline, RelPath, Stage, StageName } from "./types.js";

/**
 * `files`: root-relative pipeline files, the root's first. One file loads exactly as
 * `loadPipelineReport` does (the single-pipeline project is unchanged).
 */
export function loadPipelinesReport(root: string, files: readonly string[], opts: { readonly fs?: ConfigFs } = {}): PipelineReport {
  const [head] = files;
  if (head === undefined) return loadPipelineReport(root, opts);
  if (files.length === 1 && !isSubPipeline(head)) return loadPipelineReport(root, { ...opts, file: head });
  const diagnostics: Diagnostic[] = [];
  const stages: Stage[] = [];
  const sources = new Map<string, string>();
  let main: Pipeline | null = null;
  for (const file of files) {
    const report = loadPipelineReport(root, { ...opts, file });
    diagnostics.push(...report.diagnostics);
    const p = report.pipeline;
    if (p === null) continue;
    main ??= p;
    for (const [k, v] of p.sources) if (!sources.has(k)) sources.set(k, v);
    for (const s of p.stages) stages.push(isSubPipeline(file) ? Object.freeze({ ...s, name: stageAddress(file, s.name) as StageName }) : s);
  }
  if (main === null) return { pipeline: null, diagnostics };
  const file = (isSubPipeline(head) ? main.file : head) as RelPath;
  return { pipeline: Object.freeze({ root: main.root, file, stages: Object.freeze(stages), sources }), diagnostics };
}

/** As `loadPipeline`, over several pipeline files. */
export function loadPipelines(root: string, files: readonly string[], opts: { readonly fs?: ConfigFs } = {}): Result<Pipeline, Diagnostic[]> {
  const report = loadPipelinesReport(root, files, opts);
  if (report.pipeline === null || report.diagnostics.some((d) => d.severity === "error")) return { ok: false, error: report.diagnostics };
  return { ok: true, value: report.pipeline };
}
