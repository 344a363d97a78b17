// Opening a project: find its root, load and validate the pipeline, build the graph. Every problem
// comes back as data (diagnostics with the sources they point into), never as a throw.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readMemo, writeMemo } from "../memo/text-memo.js";
import type { Pipeline, RelPath, Stage } from "../config/types.js";
import type { Diagnostic, Result } from "../diagnostics/types.js";
import { buildGraph, type PipelineGraph } from "../graph/index.js";
import { collectPipelines, type Collected } from "./collect.js";
import { confinementDiagnostics } from "./confine.js";
import { projectListing, splitRel, type Listing } from "./listing.js";
import { findRoot } from "./root.js";

/** A validated project: where it is, its pipeline and the graph built from it. */
export interface Project {
  readonly root: string;
  readonly pipeline: Pipeline;
  readonly graph: PipelineGraph;
  /** Every pipeline file of the project (root-relative, the root's first), as DVC collects them. */
  readonly pipelines: readonly RelPath[];
  /** How they were collected: the folders listed and the .gitignore read (for the up-to-date stamp). */
  readonly collected: Collected;
}

/** Why a project could not be opened. */
export type ProjectError =
  | { readonly kind: "no-project"; readonly cwd: string }
  | { readonly kind: "invalid"; readonly root: string; readonly diagnostics: readonly Diagnostic[]; readonly sources: ReadonlyMap<string, string> };

/** The memo name for a checked pipeline; the version makes a new engine re-validate. */
const PIPELINE_MEMO = "pipeline-v2";

interface PipelineMemo {
  readonly file: RelPath;
  /** Every pipeline file merged (absent in a single-pipeline memo of an older engine). */
  readonly files?: readonly RelPath[];
  readonly stages: readonly Stage[];
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The validated pipeline: from the memo when pipeline.yaml and every params/vars file it read are
 * unchanged (no YAML parse), else loaded, checked, and memoized when it has no errors.
 */
async function loadChecked(root: string, files: readonly RelPath[]): Promise<{ pipeline: Pipeline | null; diagnostics: Diagnostic[] }> {
  const file = files[0] ?? "pipeline.yaml";
  const memo = readMemo<PipelineMemo>(root, PIPELINE_MEMO, (rel) => {
    try {
      return readFileSync(join(root, rel), "utf8");
    } catch {
      return null;
    }
  });
  if (memo && memo.value.file === file && sameList(memo.value.files ?? [memo.value.file], files)) {
    return { pipeline: { root, file: memo.value.file, stages: memo.value.stages, sources: memo.texts }, diagnostics: [] };
  }
  const { loadPipelinesReport } = await import("../config/index.js");
  const report = loadPipelinesReport(root, files);
  if (report.pipeline && !report.diagnostics.some((d) => d.severity === "error")) {
    await writeMemo<PipelineMemo>(root, PIPELINE_MEMO, report.pipeline.sources, { file: report.pipeline.file, files, stages: report.pipeline.stages });
  }
  return report;
}

/** The project at or above `cwd`: its pipeline validated and its graph built, or every problem at once. */
export async function openProject(cwd: string): Promise<Result<Project, ProjectError>> {
  const root = findRoot(cwd);
  if (root === null) return { ok: false, error: { kind: "no-project", cwd } };
  return openProjectAt(root);
}

/** As openProject, for a known root. */
export async function openProjectAt(root: string): Promise<Result<Project, ProjectError>> {
  const collected = collectPipelines(root);
  const report = await loadChecked(root, collected.files);
  const configErrors = report.diagnostics.filter((d) => d.severity === "error");
  const pipeline = report.pipeline;
  if (pipeline === null) return { ok: false, error: { kind: "invalid", root, diagnostics: report.diagnostics, sources: sourcesOf(report.diagnostics, root) } };
  const listing = projectListing(root);
  const built = buildGraph(pipeline, { exists: listingExists(listing) });
  // Checked on every open (the memo only vouches for the texts): a symlink may appear any time.
  const escapes = confinementDiagnostics(pipeline, listing);
  if (configErrors.length === 0 && built.ok && escapes.length === 0)
    return { ok: true, value: { root, pipeline, graph: built.value, pipelines: collected.files, collected } };
  // Report every problem at once: the graph checks ran on the stages that did validate. A dep
  // may look unproduced only because its producer was rejected, so `missing-dep` waits for a
  // pipeline without config errors.
  const graphErrors = built.ok ? [] : built.error.filter((d) => configErrors.length === 0 || d.code !== "missing-dep");
  const all = [...report.diagnostics, ...graphErrors, ...escapes].sort(byLocation);
  return { ok: false, error: { kind: "invalid", root, diagnostics: all, sources: pipeline.sources } };
}

/**
 * Existence by folder listing (see ./listing.ts). A name that is listed but is a dangling symlink
 * counts as present here and is reported as `dep-missing` when its stage's turn comes.
 */
function listingExists(listing: Listing): (p: RelPath) => boolean {
  return (p) => {
    const [dir, name] = splitRel(p);
    if (listing.folder(dir)?.has(name)) return true;
    // Tracked data not checked out yet (a fresh clone): its `PATH.dvc`, or an enclosing folder's, stands in for it.
    for (let q: string = p; q !== ""; q = splitRel(q)[0]) {
      const [d, n] = splitRel(q);
      if (listing.folder(d)?.has(`${n}.dvc`)) return true;
    }
    return false;
  };
}

const byLocation = (a: Diagnostic, b: Diagnostic): number => {
  const la = a.location;
  const lb = b.location;
  if (!la || !lb) return la ? 1 : lb ? -1 : 0;
  return la.file.localeCompare(lb.file) || la.line - lb.line || la.col - lb.col;
};

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
