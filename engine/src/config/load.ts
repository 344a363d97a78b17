// loadPipeline(): reads pipeline.yaml (or dvc.yaml), its vars and params files, and returns the
// validated immutable Pipeline or every diagnostic found. dvc.lock is never read here.
import { join, resolve } from "node:path";
import { isMap, isScalar, type Node } from "yaml";
import type { Diagnostic, Result, SourceLocation } from "../diagnostics/types.js";
import { expandStages } from "./expand.js";
import { nodeConfigFs, type ConfigFs } from "./fs.js";
import { Context } from "./interpolate.js";
import { ParamsStore } from "./params.js";
import { dirOf, joinRel, resolveRel } from "./paths.js";
import type { ResolveEnv } from "./resolve.js";
import { nodeLoc, parseYaml } from "./source.js";
import { didYouMean } from "./suggest.js";
import type { Pipeline } from "./types.js";
import { loadGlobalVars, noteImport } from "./vars.js";

/** Pipeline file names, in order of preference. */
export const PIPELINE_FILES = ["pipeline.yaml", "dvc.yaml"] as const;
/** Top-level keys of dvc.yaml; only `stages` and `vars` matter to pipe, the rest is accepted. */
const TOP_KEYS = ["stages", "vars", "metrics", "plots", "params", "artifacts", "datasets"];

export interface LoadOptions {
  readonly fs?: ConfigFs;
  /** Pipeline file relative to the root, instead of looking for pipeline.yaml / dvc.yaml. */
  readonly file?: string;
}

export function findPipelineFile(root: string, fs: ConfigFs = nodeConfigFs): (typeof PIPELINE_FILES)[number] | null {
  return PIPELINE_FILES.find((f) => fs.exists(join(root, f))) ?? null;
}

export function loadPipeline(root: string, opts: LoadOptions = {}): Result<Pipeline, Diagnostic[]> {
  const report = loadPipelineReport(root, opts);
  if (report.pipeline === null || report.diagnostics.some((d) => d.severity === "error")) return { ok: false, error: report.diagnostics };
  return { ok: true, value: report.pipeline };
}

/** What was loaded: the stages that validated (possibly not all), and every diagnostic. */
export interface PipelineReport {
  readonly pipeline: Pipeline | null;
  readonly diagnostics: Diagnostic[];
}

/**
 * Like `loadPipeline`, but also returns the stages that did validate when others did not, so the
 * CLI can run the graph checks too and report every problem at once.
 */
export function loadPipelineReport(root: string, opts: LoadOptions = {}): PipelineReport {
  const asReport = (r: Result<Pipeline, Diagnostic[]>): PipelineReport => ({ pipeline: null, diagnostics: r.ok ? [] : r.error });
  const fs = opts.fs ?? nodeConfigFs;
  const absRoot = resolve(root);
  const missing = (message: string): Result<Pipeline, Diagnostic[]> => ({
    ok: false,
    error: [{ severity: "error", code: "missing-pipeline-file", message }],
  });
  const name = opts.file ?? findPipelineFile(absRoot, fs);
  if (name === null) return asReport(missing(`no pipeline.yaml or dvc.yaml in ${absRoot}`));
  const rel = resolveRel(absRoot, "", name);
  if (!rel.ok) return asReport(missing(`pipeline file '${name}' is outside the project root ${absRoot}`));
  const file = rel.path;
  const text = fs.readText(join(absRoot, file));
  if (text === null) return asReport(missing(`pipeline file '${file}' does not exist in ${absRoot}`));

  const sources = new Map<string, string>([[file, text]]);
  const diags: Diagnostic[] = [];
  const parsed = parseYaml(file, text, diags);
  if (!parsed.ok) return { pipeline: null, diagnostics: finish(diags, file) };
  const renv: ResolveEnv = { src: parsed.src, doc: parsed.doc, diags };
  const baseDir = dirOf(file);
  const params = new ParamsStore(absRoot, fs, sources, diags);

  const top = parsed.doc.contents as Node | null;
  let stagesNode: unknown = null;
  let varsNode: unknown = null;
  if (top !== null && !(isScalar(top) && top.value === null)) {
    if (!isMap(top)) {
      diags.push({ severity: "error", code: "bad-type", message: `${file} must be a mapping with a 'stages' key`, location: nodeLoc(parsed.src, top) });
    } else {
      const seen = new Map<string, SourceLocation>();
      for (const pair of top.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : "";
        const loc = nodeLoc(parsed.src, keyNode);
        const first = seen.get(key);
        if (first !== undefined) {
          diags.push({
            severity: "error",
            code: "duplicate-key",
            message: `duplicate top-level key '${key}'`,
            location: loc,
            related: [{ message: `'${key}' first defined here`, location: first }],
          });
          continue;
        }
        seen.set(key, loc);
        if (key === "stages") stagesNode = pair.value;
        else if (key === "vars") varsNode = pair.value;
        else if (!TOP_KEYS.includes(key)) {
          diags.push({ severity: "error", code: "unknown-key", message: `unknown top-level key '${key}'${didYouMean(key, TOP_KEYS)}`, location: loc });
        }
      }
    }
  }

  // DVC's interpolation context: vars first, then the params.yaml next to the pipeline file.
  const { scopes, imports } = loadGlobalVars(varsNode, renv, params, absRoot, baseDir);
  const defaultsFile = joinRel(baseDir, "params.yaml");
  const defaults = params.peek(defaultsFile);
  if (defaults.kind === "ok") {
    scopes.push({ data: defaults.file.data, source: defaultsFile });
    noteImport(imports, defaultsFile, null);
  }
  const ctx = Context.named(...scopes);
  const stages = expandStages(stagesNode, renv, ctx, { root: absRoot, baseDir, params, diags, imports });

  return { pipeline: Object.freeze({ root: absRoot, file, stages: Object.freeze(stages), sources }), diagnostics: finish(diags, file) };
}

/** Drops repeats (a foreach body reports a mistake once, not per item) and sorts by position. */
function finish(diags: readonly Diagnostic[], mainFile: string): Diagnostic[] {
  const seen = new Set<string>();
  const unique = diags.filter((d) => {
    const l = d.location;
    const k = `${d.code}\0${l ? `${l.file}:${l.line}:${l.col}` : ""}\0${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const rank = (d: Diagnostic): [number, string, number, number] => {
    const l = d.location;
    if (!l) return [0, "", 0, 0];
    return [l.file === mainFile ? 1 : 2, l.file, l.line, l.col];
  };
  return unique
    .map((d, i) => ({ d, i, r: rank(d) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1].localeCompare(b.r[1]) || a.r[2] - b.r[2] || a.r[3] - b.r[3] || a.i - b.i)
    .map((x) => x.d);
}
