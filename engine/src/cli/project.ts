// Opening a project for a command: find its root, load and validate the pipeline, build the graph.
// Diagnostics become one UserError carrying the formatted report and exit code 2.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadPipeline } from "../config/index.js";
import type { Pipeline, RelPath } from "../config/types.js";
import { formatDiagnostics } from "../diagnostics/index.js";
import type { Diagnostic } from "../diagnostics/types.js";
import { buildGraph, type PipelineGraph } from "../graph/index.js";
import { ExitCode, UserError } from "./io.js";

export interface Project {
  readonly root: string;
  readonly pipeline: Pipeline;
  readonly graph: PipelineGraph;
}

/** The nearest folder at or above `cwd` holding pipeline.yaml or dvc.yaml. */
export function findRoot(cwd: string): string | null {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, "pipeline.yaml")) || existsSync(join(dir, "dvc.yaml"))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

export function requireRoot(cwd: string): string {
  const root = findRoot(cwd);
  if (!root) throw new UserError(`no pipeline.yaml (or dvc.yaml) in ${resolve(cwd)} or any folder above it`, ExitCode.usage);
  return root;
}

function diagnosticsError(list: readonly Diagnostic[], sources: ReadonlyMap<string, string>): UserError {
  return new UserError(formatDiagnostics(list, sources).trimEnd(), ExitCode.badPipeline);
}

export function openProject(cwd: string): Project {
  const root = requireRoot(cwd);
  const loaded = loadPipeline(root);
  if (!loaded.ok) throw diagnosticsError(loaded.error, sourcesOf(loaded.error, root));
  const pipeline = loaded.value;
  const built = buildGraph(pipeline, { exists: (p: RelPath) => existsSync(join(root, p)) });
  if (!built.ok) throw diagnosticsError(built.error, pipeline.sources);
  return { root, pipeline, graph: built.value };
}

/** When loading failed there is no Pipeline to carry the sources: read the files named. */
function sourcesOf(list: readonly Diagnostic[], root: string): Map<string, string> {
  const files = new Set<string>();
  for (const d of list) {
    if (d.location) files.add(d.location.file);
    for (const r of d.related ?? []) files.add(r.location.file);
  }
  const map = new Map<string, string>();
  for (const f of files) {
    try {
      map.set(f, readFileSync(join(root, f), "utf8"));
    } catch {
      /* the diagnostic prints without its source line */
    }
  }
  return map;
}
