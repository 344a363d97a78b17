// Path arithmetic for pipeline files: stage-relative paths to normalized root-relative POSIX
// paths (minting `RelPath`), and the dotted-key lookup shared by params, vars and metrics.
import { posix } from "node:path";
import type { RelPath } from "./types.js";

export type ResolvedPath = { readonly ok: true; readonly path: RelPath } | { readonly ok: false; readonly reason: "outside" | "external" };

/** Root-relative form of `p` written relative to the root-relative folder `base`. */
export function resolveRel(root: string, base: string, p: string): ResolvedPath {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return { ok: false, reason: "external" };
  let s = p.replace(/\\/g, "/");
  if (s.startsWith("/") || /^[a-z]:\//i.test(s)) {
    const r = root.replace(/\\/g, "/").replace(/\/+$/, "");
    if (s !== r && !s.startsWith(r + "/")) return { ok: false, reason: "outside" };
    s = s.slice(r.length + 1);
    base = "";
  }
  let joined = posix.normalize(base === "" ? s : `${base}/${s}`);
  if (joined === "." || joined === "./") joined = "";
  joined = joined.replace(/\/+$/, "");
  if (joined.startsWith("./")) joined = joined.slice(2);
  if (joined === ".." || joined.startsWith("../")) return { ok: false, reason: "outside" };
  return { ok: true, path: joined as RelPath };
}

/** Root-relative folder holding a root-relative file ("" for the root). */
export function dirOf(rel: string): string {
  const d = posix.dirname(rel);
  return d === "." ? "" : d;
}

/** Joins root-relative segments ("" is the root). */
export function joinRel(base: string, name: string): RelPath {
  return (base === "" ? name : `${base}/${name}`) as RelPath;
}

const GLOB = /[*?[\]{}]/;
/** Whether a dep string is a glob pattern (expanded later by the executor). */
export function isGlob(p: string): boolean {
  return GLOB.test(p);
}

export type PathLookup = { readonly found: true; readonly value: unknown } | { readonly found: false; readonly value?: undefined };

/**
 * Looks up `train.opt.lr` in nested mappings (and `layers.0` in lists). A literal key that
 * contains dots (`{"a.b": 1}`) wins over descending.
 */
export function getPath(obj: unknown, dottedKey: string): { found: boolean; value?: unknown } {
  return lookupSegments(obj, dottedKey === "" ? [] : dottedKey.split("."));
}

/** getPath over already-split segments. */
export function lookupSegments(obj: unknown, segs: readonly string[]): PathLookup {
  let cur: unknown = obj;
  for (let i = 0; i < segs.length; i++) {
    if (cur === null || typeof cur !== "object") return { found: false };
    if (i < segs.length - 1 && !Array.isArray(cur)) {
      const rest = segs.slice(i).join(".");
      if (Object.hasOwn(cur, rest)) return { found: true, value: (cur as Record<string, unknown>)[rest] };
    }
    const seg = segs[i]!;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg) || Number(seg) >= cur.length) return { found: false };
      cur = cur[Number(seg)];
    } else {
      if (!Object.hasOwn(cur, seg)) return { found: false };
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return { found: true, value: cur };
}
