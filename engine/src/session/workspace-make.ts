// An experiment's own workspace, for queued experiments run side by side: a copy of the project
// (see workspace-files.ts for which files) under .pipe/exp/workspaces/<name>/, whose .cache/ shares
// the project's objects and run cache through symlinks while its stat cache, memo and guard stay its own.
import { listWorkingFiles } from "../git/index.js";
import { constants, existsSync, rmSync, promises as fsp } from "node:fs";
import { dirname, join } from "node:path";
import { mapLimit } from "../common/limit.js";
import type { Project } from "./project.js";
import { lockPathOf } from "../lock/address.js";
import { selectWorkspaceFiles } from "./workspace-files.js";

/** Where workspaces are made, relative to the project root (inside it: same file system as the cache). */
export const WORKSPACES_DIR = ".pipe/exp/workspaces";

/** The parts of `.cache/` every workspace shares with the project (content-addressed or uniquely named). */
const SHARED_CACHE = ["objects", "runs", "tmp", "quarantine"] as const;

export interface ExpWorkspace {
  /** Absolute path: the workspace's project root. */
  readonly dir: string;
  /** How the file list was made. */
  readonly source: "git" | "walk";
  /** Files and folders copied in. */
  readonly copied: number;
  /** Removes the workspace (the shared cache it links to stays). */
  remove(): Promise<void>;
  /** As remove, for exit hooks. */
  removeSync(): void;
}

/** A folder name from an experiment name: letters, digits, `.`, `_`, `-` kept, the rest `_`. */
export function workspaceFolderName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_");
  return safe === "" ? "exp" : safe.slice(0, 80);
}

export interface MakeOptions {
  /** Called as soon as the folder exists, before anything is copied (to mark whose it is). */
  readonly onFolder?: (dir: string) => void;
}

export async function makeWorkspace(project: Project, name: string, opts: MakeOptions = {}): Promise<ExpWorkspace> {
  const root = project.root;
  const base = join(root, WORKSPACES_DIR);
  await fsp.mkdir(base, { recursive: true });
  const dir = await freshFolder(base, workspaceFolderName(name));
  const ws = handle(dir);
  try {
    opts.onFolder?.(dir);
    const listing = await listProject(root);
    const outs = project.pipeline.stages.flatMap((s) => s.outs.map((o) => o.path as string));
    const deps = project.pipeline.stages.flatMap((s) => s.deps.filter((d) => !d.glob).map((d) => d.path as string));
    const locks = [...new Set(project.pipelines.map(lockPathOf)), "dvc.lock"];
    const pick = selectWorkspaceFiles({ ...listing, outs, deps, always: [...locks, ".pipe/config", ".pipe/config.local"] });
    // a folder to copy whole is copied file by file too (fs.cp is several times slower)
    const extra = (await Promise.all(pick.extra.map((rel) => expand(root, rel)))).flat();
    const all = [...pick.files, ...extra];
    for (const d of [...new Set(all.map((rel) => dirname(join(dir, rel))))].sort()) await fsp.mkdir(d, { recursive: true });
    await mapLimit(all, 16, (rel) => copyEntry(join(root, rel), join(dir, rel)));
    await linkCache(root, dir);
    if (existsSync(join(root, "node_modules")) && !existsSync(join(dir, "node_modules"))) {
      await fsp.symlink(join(root, "node_modules"), join(dir, "node_modules"));
    }
    return { ...ws, source: listing.source, copied: all.length };
  } catch (e) {
    ws.removeSync();
    throw e;
  }
}

function handle(dir: string): Omit<ExpWorkspace, "source" | "copied"> {
  // rm never follows the symlinks into the shared cache: it unlinks them.
  return {
    dir,
    remove: () => fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 }),
    removeSync: () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }),
  };
}

/** `<base>/<name>`, or `<name>-2`, `-3`... when a kept or stray workspace holds the name. */
async function freshFolder(base: string, name: string): Promise<string> {
  for (let i = 1; ; i++) {
    const dir = join(base, i === 1 ? name : `${name}-${i}`);
    try {
      await fsp.mkdir(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
}

/** git's view of the project when it is in a work tree, else every file under the root. */
async function listProject(root: string): Promise<{ listed: string[]; source: "git" | "walk" }> {
  const fromGit = await listWorkingFiles(root);
  if (fromGit !== null) return { listed: fromGit, source: "git" };
  return { listed: await walk(root, ""), source: "walk" };
}

const SKIP_IN_WALK = new Set([".git", ".cache", ".pipe", "node_modules"]);

async function walk(root: string, rel: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(rel === "" ? root : join(root, rel), { withFileTypes: true })) {
    if (SKIP_IN_WALK.has(e.name)) continue;
    const p = rel === "" ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...(await walk(root, p)));
    else out.push(p);
  }
  return out;
}

/** The files under `rel` when it is a folder, `[rel]` when it is something else, `[]` when it is absent. */
async function expand(root: string, rel: string): Promise<string[]> {
  try {
    return (await fsp.lstat(join(root, rel))).isDirectory() ? await walk(root, rel) : [rel];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

/** Copies a file (a copy-on-write clone where the file system has them), a symlink as a symlink, a folder whole (a git submodule). */
async function copyEntry(src: string, dst: string): Promise<void> {
  let st;
  try {
    st = await fsp.lstat(src);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // tracked but deleted in the working tree
    throw e;
  }
  if (st.isSymbolicLink()) await fsp.symlink(await fsp.readlink(src), dst);
  else if (st.isDirectory()) await fsp.cp(src, dst, { recursive: true, verbatimSymlinks: true, filter: (s) => !s.endsWith("/.git") });
  else await fsp.copyFile(src, dst, constants.COPYFILE_FICLONE);
}

/** `<ws>/.cache/{objects,runs,tmp,quarantine}` → the project's. */
async function linkCache(root: string, dir: string): Promise<void> {
  await fsp.mkdir(join(dir, ".cache"), { recursive: true });
  for (const part of SHARED_CACHE) {
    const target = join(root, ".cache", part);
    await fsp.mkdir(target, { recursive: true });
    await fsp.symlink(target, join(dir, ".cache", part));
  }
}
