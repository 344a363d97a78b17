// The up-to-date stamp: after a `repro` that found every stage up to date, the (ino, size, mtime) of
// every file and folder that verdict rested on (pipeline.yaml, params files, pipeline.lock, every
// dep and out, every folder listed) is kept in `.cache/memo/fresh-v1.json`. The next `repro` with
// no targets stats those paths and, when none changed, replays the same verdict without loading
// the pipeline, the lock or the stat cache (Make's check, applied to what DVC's check looked at).
// The stat cache already trusts (ino, size, mtime) to stand for a file's content; this trusts it
// for a folder's listing too. Light on purpose: node:fs only, read on every repro.
import { readdirSync, readFileSync, rmSync, statSync, type Dirent } from "node:fs";
import { join } from "node:path";

/**
 * Bumped whenever what a stamp covers, or how it is checked, changes. 2: digests became BLAKE3; a
 * stamp earned over a lock of legacy xxh64 digests must not replay "up to date" before that lock
 * has been checked once and rewritten (see status/recall.ts).
 */
const STAMP_VERSION = 2;

export const FRESH_STAMP_FILE = join(".cache", "memo", "fresh-v1.json");

/** What a stage's verdict was; only verdicts that run nothing are stamped. */
export type StampedOutcome = "fresh" | "frozen";

/** (ino, size, mtimeMs) of a path; a folder's changes when an entry is added, removed or renamed. */
export type StatSig = readonly [ino: number, size: number, mtimeMs: number];

export interface FreshStamp {
  /** The pipeline file read: pipeline.yaml, or dvc.yaml when it is absent. */
  readonly file: string;
  /** The plan's stages, in plan order (the `plan` event). */
  readonly plan: readonly string[];
  /** Each stage's verdict, in the order the run reported them. */
  readonly done: ReadonlyArray<readonly [stage: string, outcome: StampedOutcome]>;
  /** Root-relative paths and, per path, its signature when the verdict was reached. */
  readonly paths: readonly string[];
  readonly sigs: readonly StatSig[];
  /**
   * Folders listed while collecting the pipelines: path, signature, and what collection read there
   * (`listingKey`). A folder whose signature moved still holds when that key did not (a file
   * written beside a pipeline does not make a new pipeline), so only its listing is read again.
   */
  readonly folders?: ReadonlyArray<readonly [path: string, sig: StatSig, key: string]>;
  /** How many pipeline files the project had, when several (absent: one). */
  readonly pipelines?: number;
  /** With several pipelines, which no-target request the plan answered (see session/replay.ts). */
  readonly scope?: string;
}

/** On disk: paths joined by newlines and signatures as one base64 Float64Array (fast to parse). */
interface StampFile {
  readonly v: number;
  readonly file: string;
  readonly plan: readonly string[];
  readonly done: ReadonlyArray<readonly [string, StampedOutcome]>;
  readonly paths: string;
  readonly sigs: string;
  readonly folders?: ReadonlyArray<readonly [string, StatSig, string]>;
  readonly pipelines?: number;
  readonly scope?: string;
}

export type StatFn = (abs: string) => StatSig | null;

export const statSig: StatFn = (abs) => {
  const s = statSync(abs, { throwIfNoEntry: false });
  return s === undefined ? null : [s.ino, s.size, s.mtimeMs];
};

export const sameSig = (a: StatSig, b: StatSig): boolean => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

export function encodeStamp(stamp: FreshStamp): string {
  const flat = new Float64Array(stamp.sigs.length * 3);
  stamp.sigs.forEach((s, i) => flat.set(s, i * 3));
  const file: StampFile = {
    v: STAMP_VERSION,
    file: stamp.file,
    plan: stamp.plan,
    done: stamp.done,
    paths: stamp.paths.join("\n"),
    sigs: Buffer.from(flat.buffer).toString("base64"),
    ...(stamp.folders === undefined ? {} : { folders: stamp.folders }),
    ...(stamp.pipelines === undefined ? {} : { pipelines: stamp.pipelines, scope: stamp.scope ?? "" }),
  };
  return JSON.stringify(file);
}

/** The stamp in `text`, or null when it is of another version or malformed. */
export function decodeStamp(text: string): FreshStamp | null {
  try {
    const raw = JSON.parse(text) as Partial<StampFile> | null;
    if (raw?.v !== STAMP_VERSION || typeof raw.file !== "string" || typeof raw.paths !== "string" || typeof raw.sigs !== "string") return null;
    if (!Array.isArray(raw.plan) || !Array.isArray(raw.done)) return null;
    const paths = raw.paths === "" ? [] : raw.paths.split("\n");
    const bytes = Buffer.from(raw.sigs, "base64");
    if (bytes.length !== paths.length * 24) return null;
    const flat = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const sigs = paths.map((_, i): StatSig => [flat[i * 3] as number, flat[i * 3 + 1] as number, flat[i * 3 + 2] as number]);
    const several = typeof raw.pipelines === "number" && typeof raw.scope === "string" ? { pipelines: raw.pipelines, scope: raw.scope } : {};
    const folders = Array.isArray(raw.folders) ? { folders: raw.folders } : {};
    return { file: raw.file, plan: raw.plan, done: raw.done, paths, sigs, ...several, ...folders };
  } catch {
    return null;
  }
}

/** The project's stamp, or null when there is none (or it is unreadable: a stamp is only a shortcut). */
export function readFreshStamp(root: string): FreshStamp | null {
  let text: string;
  try {
    text = readFileSync(join(root, FRESH_STAMP_FILE), "utf8");
  } catch {
    return null;
  }
  return decodeStamp(text);
}

/** True when every stamped path still has its signature and the same pipeline file would be read. */
export function stampHolds(root: string, stamp: FreshStamp, stat: StatFn = statSig): boolean {
  const file = stat(join(root, "pipeline.yaml")) !== null ? "pipeline.yaml" : "dvc.yaml";
  if (file !== stamp.file) return false;
  for (let i = 0; i < stamp.paths.length; i++) {
    const now = stat(join(root, stamp.paths[i] as string));
    if (now === null || !sameSig(now, stamp.sigs[i] as StatSig)) return false;
  }
  for (const [rel, sig, key] of stamp.folders ?? []) {
    const abs = join(root, rel);
    const now = stat(abs);
    if (now === null) return false;
    if (!sameSig(now, sig) && listingKey(abs) !== key) return false;
  }
  return true;
}

/** Folder names pipeline collection never walks into: dot-folders (`.git`, `.cache`, `.pipe`) and node_modules. */
export const skippedName = (name: string): boolean => name.startsWith(".") || name === "node_modules";

/** What pipeline collection reads in a folder: its pipeline file and the folders it walks into. */
export function keyOfEntries(entries: readonly Dirent[]): string {
  const files = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  const file = files.has("pipeline.yaml") ? "pipeline.yaml" : files.has("dvc.yaml") ? "dvc.yaml" : "";
  const dirs = entries.filter((e) => e.isDirectory() && !skippedName(e.name)).map((e) => e.name);
  return [file, ...dirs.sort()].join("\n");
}

/** `keyOfEntries` of a folder now, or null when it cannot be listed. */
export function listingKey(abs: string): string | null {
  try {
    return keyOfEntries(readdirSync(abs, { withFileTypes: true }));
  } catch {
    return null;
  }
}

/** Forget the stamp: called before anything may change what it vouches for. */
export function dropFreshStamp(root: string): void {
  rmSync(join(root, FRESH_STAMP_FILE), { force: true });
}
