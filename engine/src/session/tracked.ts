// A project's tracked data: its tracking files (`PATH.dvc`) collected with the pipeline walk's rules
// (top-down in byte order, skipping dot-folders, node_modules and root-.gitignore'd folders, and
// never descending into a tracked folder), parsed, and checked against each other and the stages'
// outs. What checkout, status, gc, add, push and pull read; problems come back as diagnostics.
import { promises as fsp, readdirSync } from "node:fs";
import { join } from "node:path";
import { byteOrder } from "../common/order.js";
import type { RelPath, Stage } from "../config/types.js";
import type { Diagnostic, Result, SourceLocation } from "../diagnostics/types.js";
import { isWithin } from "../graph/paths.js";
import type { Digest, HashInfo, Hasher } from "../hashing/index.js";
import { isTrackingName, parseTrackingFile, trackedConflicts, TRACKING_SUFFIX } from "../tracked/index.js";
import { collectPipelines } from "./collect.js";
import { reachable, readGitignore, skippedName } from "./ignore.js";
import { openProjectAt, type Project, type ProjectError } from "./project.js";
import { findDataRoot } from "./root.js";

/** One tracked path, as its tracking file records it. */
export interface TrackedData {
  /** The tracking file, root-relative (`data/raw.csv.dvc`). */
  readonly file: RelPath;
  /** The tracked path, root-relative (`data/raw.csv`). */
  readonly path: RelPath;
  /** The path as the file writes it (relative to the file's folder). */
  readonly written: string;
  /** pipe's digest of the content; null when the file records DVC's md5 only (no pipe object). */
  readonly info: HashInfo | null;
  /** DVC's md5, when recorded. */
  readonly md5?: string;
  /** The entry in the tracking file. */
  readonly loc: SourceLocation;
}

export interface TrackedCollection {
  /** Every entry of every well-formed tracking file, in walk order. */
  readonly data: readonly TrackedData[];
  /** Every tracking file found (root-relative), well-formed or not. */
  readonly files: readonly RelPath[];
  /** Bad tracking files (one each) and paths tracked twice. */
  readonly diagnostics: readonly Diagnostic[];
  /** The text of every tracking file read, for printing diagnostics. */
  readonly sources: ReadonlyMap<string, string>;
}

/** Every tracking file under `root` (root-relative), by the walk rules above. */
export function listTrackingFiles(root: string): RelPath[] {
  const ignored = readGitignore(root);
  const found: RelPath[] = [];
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(rel === "" ? root : join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    const at = (name: string): string => (rel === "" ? name : `${rel}/${name}`);
    const files = entries.filter((e) => e.isFile() && isTrackingName(e.name)).map((e) => e.name);
    const tracked = new Set(files.map((f) => f.slice(0, -TRACKING_SUFFIX.length)));
    for (const f of files.sort(byteOrder)) found.push(at(f) as RelPath);
    const dirs = entries
      .filter((e) => e.isDirectory() && !skippedName(e.name) && !tracked.has(e.name))
      .map((e) => at(e.name))
      .filter((d) => !ignored(d))
      .sort(byteOrder);
    for (const d of dirs) walk(d);
  };
  walk("");
  return found;
}

/** Would listTrackingFiles reach the root-relative folder `rel`? (For `pipe add`: a file it would not find is lost.) */
export function collectsFolder(root: string): (rel: string) => boolean {
  const ignored = readGitignore(root);
  return (rel) => reachable(rel, ignored);
}

/** The tracked paths that two entries both claim (the same path, or one inside the other). */
function overlaps(data: readonly TrackedData[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [i, a] of data.entries()) {
    for (const b of data.slice(0, i)) {
      if (!isWithin(a.path, b.path) && !isWithin(b.path, a.path)) continue;
      const same = a.path === b.path;
      out.push({
        severity: "error",
        code: same ? "duplicate-output" : "overlapping-output",
        message: same
          ? `'${a.path}' is tracked twice: by ${b.file} and ${a.file}`
          : `'${a.path}' (${a.file}) overlaps '${b.path}' (${b.file}): one path is tracked by one file`,
        location: a.loc,
        related: [{ message: `${b.file} tracks '${b.path}' here`, location: b.loc }],
      });
    }
  }
  return out;
}

/** Collect and parse a project's tracking files (see the file comment). */
export async function collectTracked(root: string): Promise<TrackedCollection> {
  const files = listTrackingFiles(root);
  const texts = await Promise.all(files.map((f) => fsp.readFile(join(root, f), "utf8").catch(() => null)));
  const data: TrackedData[] = [];
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  for (const [i, file] of files.entries()) {
    const text = texts[i];
    if (text === null || text === undefined) continue; // vanished or unreadable since the listing
    sources.set(file, text);
    const parsed = parseTrackingFile(text, file);
    if (!parsed.ok) {
      diagnostics.push(parsed.error);
      continue;
    }
    for (const o of parsed.value.outs) {
      data.push({ file, path: o.path, written: o.written, info: o.info, ...(o.md5 === undefined ? {} : { md5: o.md5 }), loc: o.loc });
    }
  }
  diagnostics.push(...overlaps(data));
  return { data, files, diagnostics, sources };
}

/** The object digests tracked data references (what gc keeps and push sends); md5-only entries have none. */
export function trackedDigests(data: readonly TrackedData[]): Set<Digest> {
  const out = new Set<Digest>();
  for (const d of data) if (d.info !== null) out.add(d.info.digest);
  return out;
}

/** How tracked data differs from what its tracking file records. */
export type TrackedChangeKind = "modified" | "missing" | "not-hashed";

export interface TrackedChange {
  readonly file: RelPath;
  readonly path: RelPath;
  /** `not-hashed`: the file records DVC's md5 only, so pipe cannot tell (`pipe add` records pipe's digest). */
  readonly kind: TrackedChangeKind;
}

/** Every tracked path that is missing, changed, or that pipe cannot check; unchanged ones are absent. */
export async function trackedChanges(data: readonly TrackedData[], hasher: Hasher): Promise<TrackedChange[]> {
  const out: TrackedChange[] = [];
  for (const d of data) {
    const current = await hasher.hashPath(d.path);
    const kind: TrackedChangeKind | null = current === null ? "missing" : d.info === null ? "not-hashed" : current.digest === d.info.digest ? null : "modified";
    if (kind !== null) out.push({ file: d.file, path: d.path, kind });
  }
  return out;
}

/** A project whose data may be tracked: its root, its pipelines (when it has any) and its tracked data. */
export interface DataProject {
  readonly root: string;
  /** null in a data-only project (no pipeline file anywhere), or when not asked for. */
  readonly project: Project | null;
  readonly tracked: TrackedCollection;
}

export type DataProjectError = ProjectError;

export interface DataProjectOptions {
  /** Open and validate the pipelines too (default true); false reads the tracking files only. */
  readonly pipelines?: boolean;
}

/**
 * The project at or above `cwd` for commands that accept a data-only project (see findDataRoot):
 * its pipelines validated when it has any, and its tracked data, a bad tracking file or a tracked
 * path that is also a stage's out being an `invalid` error like a bad pipeline.
 */
export async function openDataProject(cwd: string, opts: DataProjectOptions = {}): Promise<Result<DataProject, DataProjectError>> {
  const root = findDataRoot(cwd);
  if (root === null) return { ok: false, error: { kind: "no-project", cwd } };
  let project: Project | null = null;
  if (opts.pipelines !== false && collectPipelines(root).files.length > 0) {
    const opened = await openProjectAt(root);
    if (!opened.ok) return opened;
    project = opened.value;
  }
  const tracked = await collectTracked(root);
  const stages: readonly Stage[] = project?.pipeline.stages ?? [];
  const diagnostics = [...tracked.diagnostics, ...trackedConflicts(stages, tracked.data)];
  if (diagnostics.length > 0) {
    const sources = new Map([...(project?.pipeline.sources ?? []), ...tracked.sources]);
    return { ok: false, error: { kind: "invalid", root, diagnostics, sources } };
  }
  return { ok: true, value: { root, project, tracked } };
}
