// DVC's own lock (`dvc.lock`, schema '2.0' of DVC 2.x and 3.x), read for one purpose: recognising a
// stage DVC already ran, so moving a project from `dvc repro` to `pipe repro` re-runs nothing.
// Paths in dvc.lock are as written in dvc.yaml (relative to the stage's wdir); they are resolved
// to root-relative paths here. Anything this reader does not understand is left out (the stage
// then simply runs), never an error: dvc.lock is only a hint.
import { parse } from "yaml";
import { resolveRel } from "../config/paths.js";
import type { Md5Rule } from "./md5.js";

/** A dep or out as DVC recorded it. `md5` null: recorded by another hash (an etag, …), never matched. */
export interface DvcItem {
  /** Root-relative. */
  readonly path: string;
  readonly md5: string | null;
  readonly rule: Md5Rule;
}

/** One stage of dvc.lock, its paths root-relative. */
export interface DvcStage {
  readonly cmd: string | readonly string[];
  /** Params file (root-relative) → dotted key → value. */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly deps: readonly DvcItem[];
  readonly outs: readonly DvcItem[];
}

/** A stage's entry as written: paths relative to its wdir, resolved by `resolveStage`. */
export type RawDvcStage = DvcStage;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function item(v: unknown): DvcItem | null {
  if (!isObj(v) || typeof v.path !== "string") return null;
  const md5 = typeof v.md5 === "string" && /^[0-9a-f]{32}(\.dir)?$/.test(v.md5) ? v.md5 : null;
  // DVC 3 writes `hash: md5`; an item without it was hashed by DVC 2 (md5-dos2unix).
  const rule: Md5Rule = v.hash === "md5" ? "md5" : "md5-dos2unix";
  return { path: v.path, md5: v.hash === undefined || v.hash === "md5" ? md5 : null, rule };
}

function items(v: unknown): DvcItem[] | null {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return null;
  const out = v.map(item);
  return out.every((i): i is DvcItem => i !== null) ? out : null;
}

function stageOf(v: unknown): RawDvcStage | null {
  if (!isObj(v)) return null;
  const cmd = v.cmd;
  if (typeof cmd !== "string" && !(Array.isArray(cmd) && cmd.every((c) => typeof c === "string"))) return null;
  const deps = items(v.deps);
  const outs = items(v.outs);
  if (deps === null || outs === null) return null;
  const params: Record<string, Record<string, unknown>> = {};
  if (v.params !== undefined && v.params !== null) {
    if (!isObj(v.params)) return null;
    for (const [file, values] of Object.entries(v.params)) {
      if (!isObj(values)) return null;
      params[file] = values;
    }
  }
  return { cmd, params, deps, outs };
}

/** The stages of a dvc.lock text (keys as DVC names them: `train`, `train@small`); empty when it is not one. */
export function parseDvcLock(text: string): Map<string, RawDvcStage> {
  const stages = new Map<string, RawDvcStage>();
  let raw: unknown;
  try {
    raw = parse(text);
  } catch {
    return stages;
  }
  if (!isObj(raw) || String(raw.schema) !== "2.0" || !isObj(raw.stages)) return stages;
  for (const [name, v] of Object.entries(raw.stages)) {
    const s = stageOf(v);
    if (s !== null) stages.set(name, s);
  }
  return stages;
}

/** The entry with its paths (deps, outs, params files) made root-relative from the stage's wdir; null if one leaves the project. */
export function resolveStage(raw: RawDvcStage, root: string, wdir: string): DvcStage | null {
  const at = (p: string): string | null => {
    const r = resolveRel(root, wdir, p);
    return r.ok ? r.path : null;
  };
  const move = (list: readonly DvcItem[]): DvcItem[] | null => {
    const out: DvcItem[] = [];
    for (const i of list) {
      const path = at(i.path);
      if (path === null) return null;
      out.push({ ...i, path });
    }
    return out;
  };
  const deps = move(raw.deps);
  const outs = move(raw.outs);
  if (deps === null || outs === null) return null;
  const params: Record<string, Readonly<Record<string, unknown>>> = {};
  for (const [file, values] of Object.entries(raw.params)) {
    const path = at(file);
    if (path === null) return null;
    params[path] = values;
  }
  return { cmd: raw.cmd, params, deps, outs };
}
