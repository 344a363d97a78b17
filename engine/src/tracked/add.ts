// `pipe add`'s work: check every path first (refusing all before touching any), then for each one
// hash it, save it into the cache, write its tracking file and its `.gitignore` entry. Effects go
// through the hasher, the cache and the file system; what was done comes back as data.
import { promises as fsp, realpathSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Cache } from "../cache/index.js";
import { dirOf, joinRel } from "../config/paths.js";
import type { RelPath, Stage } from "../config/types.js";
import { writeTextAtomic } from "../files/atomic-write.js";
import { isInside } from "../files/inside.js";
import type { HashInfo, Hasher } from "../hashing/index.js";
import { ignoreEntry, withIgnoreEntry } from "./gitignore.js";
import { addRefusal, type TrackedPath } from "./refusals.js";
import { trackingFileFor } from "./types.js";
import { trackingText, updatedTrackingText } from "./write.js";

export interface AddRequest {
  /** Absolute project root. */
  readonly root: string;
  /** The folder the paths are relative to. */
  readonly cwd: string;
  /** The paths as the user wrote them. */
  readonly paths: readonly string[];
  /** The project's stages (their outs cannot be added). */
  readonly stages: readonly Stage[];
  /** What is tracked already (a tracked path is re-added in its own file). */
  readonly tracked: readonly (TrackedPath & { readonly written: string })[];
  readonly hasher: Hasher;
  readonly cache: Cache;
  /** Save the data into the cache (false: write the tracking file only). */
  readonly commit: boolean;
  /** Would the collection of tracking files reach this root-relative folder? (default: every one) */
  readonly collected?: (folder: string) => boolean;
}

/** A path that will not be added: the path (as written, or root-relative) and why. */
export interface AddRefusal {
  readonly path: string;
  readonly reason: string;
}

export interface Added {
  readonly path: RelPath;
  /** The tracking file written. */
  readonly file: RelPath;
  readonly info: HashInfo;
  /** The path was tracked already: its tracking file was updated. */
  readonly readded: boolean;
  /** The .gitignore (root-relative) and its entry; `added` false when the entry was there. */
  readonly gitignore: { readonly file: string; readonly entry: string; readonly added: boolean };
  /** Saved into the cache (false under --no-commit). */
  readonly cached: boolean;
}

export type AddOutcome = { readonly ok: true; readonly added: readonly Added[] } | { readonly ok: false; readonly refusals: readonly AddRefusal[] };

interface Planned {
  readonly path: RelPath;
  readonly file: RelPath;
  readonly written: string;
  readonly readded: boolean;
}

const toPosix = (p: string): string => p.split(sep).join("/");

/** The root-relative path for `arg`, or why it cannot be tracked. */
async function locate(req: AddRequest, realRoot: string, arg: string): Promise<RelPath | AddRefusal> {
  const abs = resolve(req.cwd, arg);
  const rel = toPosix(relative(req.root, abs));
  if (rel === ".." || rel.startsWith("../") || isAbsolute(rel)) return { path: arg, reason: `is outside the project (${req.root})` };
  const shown = rel === "" ? "." : rel;
  const st = await fsp.lstat(abs).catch(() => null);
  if (st === null) return { path: shown, reason: "does not exist" };
  let real: string;
  try {
    real = realpathSync.native(abs);
  } catch {
    return { path: shown, reason: "is a symlink to nothing" };
  }
  if (!isInside(realRoot, real)) return { path: shown, reason: `leads out of the project (to ${real})` };
  const target = st.isSymbolicLink() ? await fsp.stat(abs) : st;
  if (!target.isFile() && !target.isDirectory()) return { path: shown, reason: "is neither a file nor a folder" };
  return rel as RelPath;
}

/** Check every path; the plan, or every refusal at once. */
async function plan(req: AddRequest): Promise<Planned[] | AddRefusal[]> {
  const realRoot = realpathSync.native(req.root);
  const refusals: AddRefusal[] = [];
  const planned = new Map<string, Planned>();
  for (const arg of req.paths) {
    const rel = await locate(req, realRoot, arg);
    if (typeof rel !== "string") {
      refusals.push(rel);
      continue;
    }
    const reason = addRefusal(rel, req.stages, req.tracked);
    if (reason !== null) {
      refusals.push({ path: rel, reason });
      continue;
    }
    const known = req.tracked.find((t) => t.path === rel);
    const slash = rel.lastIndexOf("/");
    const p: Planned = known
      ? { path: rel, file: known.file, written: known.written, readded: true }
      : { path: rel, file: trackingFileFor(rel), written: rel.slice(slash + 1), readded: false };
    const folder = dirOf(p.file);
    if (req.collected !== undefined && !req.collected(folder)) {
      const why = "a dot-folder, node_modules, or a folder the root .gitignore ignores";
      refusals.push({
        path: rel,
        reason: `would get its tracking file in '${folder}', which git does not version and pipe does not read (${why}): track data outside it, or stop ignoring it`,
      });
      continue;
    }
    planned.set(rel, p);
  }
  return refusals.length > 0 ? refusals : [...planned.values()];
}

const readText = (abs: string): Promise<string | null> =>
  fsp.readFile(abs, "utf8").catch((e: NodeJS.ErrnoException) => (e.code === "ENOENT" ? null : Promise.reject(e)));

async function addOne(req: AddRequest, p: Planned): Promise<Added> {
  const info = await req.hasher.hashPath(p.path);
  if (info === null) throw new Error(`${p.path} vanished while it was being added`);
  if (req.commit) await req.cache.save(p.path, info);
  const fileAbs = join(req.root, p.file);
  const old = await readText(fileAbs);
  const text = old === null ? trackingText(p.written, info) : updatedTrackingText(old, p.written, info);
  if (text !== old) await writeTextAtomic(fileAbs, text);
  const dir = dirOf(p.path);
  const ignoreFile = joinRel(dir, ".gitignore");
  const entry = ignoreEntry(p.path.slice(p.path.lastIndexOf("/") + 1));
  const updated = withIgnoreEntry(await readText(join(req.root, ignoreFile)), entry);
  if (updated !== null) await writeTextAtomic(join(req.root, ignoreFile), updated);
  return {
    path: p.path,
    file: p.file,
    info,
    readded: p.readded || old !== null,
    gitignore: { file: ignoreFile, entry, added: updated !== null },
    cached: req.commit,
  };
}

/** Track `req.paths` (see the file comment); nothing is touched when any path is refused. */
export async function addTracked(req: AddRequest): Promise<AddOutcome> {
  const planned = await plan(req);
  if (planned.some((p) => "reason" in p)) return { ok: false, refusals: planned as AddRefusal[] };
  const added: Added[] = [];
  try {
    for (const p of planned as Planned[]) added.push(await addOne(req, p));
  } finally {
    await req.hasher.flush();
    await req.cache.flush();
  }
  return { ok: true, added };
}
