// `vars` entries, top-level and per stage: an inline mapping, `file.yaml` or `file.yaml:k1,k2`
// (YAML or JSON, read through the ParamsStore so their texts are sources). Top-level entries
// become scopes of the global context; stage-level ones are merged by stage-vars.ts.
import { isScalar, isSeq, type Node } from "yaml";
import type { Diagnostic, SourceLocation } from "../diagnostics/types.js";
import type { NamedScope } from "./interpolate.js";
import type { ParamsStore } from "./params.js";
import { getPath, resolveRel } from "./paths.js";
import { resolveNode, toPlain, type RNode, type ResolveEnv } from "./resolve.js";
import { nodeLoc } from "./source.js";
import type { RelPath } from "./types.js";

/** Files already read into a context: the whole file (null) or the keys selected from it (DVC's `imports`). */
export type VarsImports = Map<RelPath, string[] | null>;

export type VarsEntry =
  | { readonly kind: "inline"; readonly data: Readonly<Record<string, unknown>>; readonly loc: SourceLocation }
  /** `spec` as written; `keys` null for the whole file (also for `file.yaml:` with no keys, as in DVC). */
  | { readonly kind: "file"; readonly spec: string; readonly path: RelPath; readonly keys: readonly string[] | null; readonly loc: SourceLocation };

/** One entry (already resolved, never interpolated); `whose` ends messages (` of stage 'train'`). */
export function parseVarsEntry(r: RNode, root: string, base: string, diags: Diagnostic[], whose = ""): VarsEntry | null {
  if (r.kind === "map") return { kind: "inline", data: toPlain(r) as Record<string, unknown>, loc: r.loc };
  if (r.kind !== "scalar" || typeof r.value !== "string" || r.value === "") {
    diags.push({ severity: "error", code: "bad-type", message: `each 'vars' entry${whose} must be a mapping or a params file name`, location: r.loc });
    return null;
  }
  const [fileName = "", keyList] = splitOnce(r.value, ":");
  const rel = resolveRel(root, base, fileName);
  if (!rel.ok) {
    diags.push({ severity: "error", code: "dep-outside-project", message: `vars file '${fileName}'${whose} is outside the project`, location: r.loc });
    return null;
  }
  const keys = (keyList ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
  return { kind: "file", spec: r.value, path: rel.path, keys: keys.length === 0 ? null : keys, loc: r.loc };
}

/**
 * A file entry's data: the whole file, or a mapping of the selected dotted keys (those found, with
 * `complete` false when some were not); null when the file is unusable. Problems are reported.
 */
export function readVarsFile(
  e: Extract<VarsEntry, { kind: "file" }>,
  params: ParamsStore,
  diags: Diagnostic[],
  whose = "",
): { readonly data: Readonly<Record<string, unknown>>; readonly complete: boolean } | null {
  const loaded = params.get(e.path, e.loc);
  if (loaded.kind === "missing") {
    diags.push({ severity: "error", code: "missing-params-file", message: `vars file '${e.path}'${whose} does not exist`, location: e.loc });
  }
  if (loaded.kind !== "ok") return null;
  if (e.keys === null) return { data: loaded.file.data, complete: true };
  const scope: Record<string, unknown> = {};
  let complete = true;
  for (const key of e.keys) {
    const v = getPath(loaded.file.data, key);
    if (!v.found) {
      complete = false;
      diags.push({ severity: "error", code: "unknown-param-key", message: `key '${key}' is not in vars file '${e.path}'${whose}`, location: e.loc });
    } else setPath(scope, key.split("."), v.value);
  }
  return { data: scope, complete };
}

/** Records a file read into a context, as DVC's `Context.merge_from` does. */
export function noteImport(imports: VarsImports, path: RelPath, keys: readonly string[] | null): void {
  const before = imports.get(path);
  if (!imports.has(path) || keys === null) imports.set(path, keys === null ? null : [...keys]);
  else if (before !== null && before !== undefined) before.push(...keys);
}

export interface GlobalVars {
  /** One scope per entry, in order (earlier entries win lookups). */
  readonly scopes: NamedScope[];
  readonly imports: VarsImports;
}

/** The top-level `vars`: one interpolation scope per entry (values are never interpolated). */
export function loadGlobalVars(node: unknown, renv: ResolveEnv, params: ParamsStore, root: string, baseDir: string): GlobalVars {
  const diags = renv.diags;
  const scopes: NamedScope[] = [];
  const imports: VarsImports = new Map();
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return { scopes, imports };
  if (!isSeq(node)) {
    diags.push({
      severity: "error",
      code: "bad-type",
      message: "'vars' must be a list of mappings or params file names",
      location: nodeLoc(renv.src, node as Node),
    });
    return { scopes, imports };
  }
  node.items.forEach((item, i) => {
    const e = parseVarsEntry(resolveNode(item, renv, null, nodeLoc(renv.src, node)), root, baseDir, diags);
    if (e === null) return;
    if (e.kind === "inline") {
      scopes.push({ data: e.data, source: `vars[${i}]` });
      return;
    }
    const read = readVarsFile(e, params, diags);
    if (read === null) return;
    scopes.push({ data: read.data, source: e.path });
    noteImport(imports, e.path, e.keys);
  });
  return { scopes, imports };
}

function splitOnce(s: string, sep: string): [string, string?] {
  const i = s.indexOf(sep);
  return i === -1 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

function setPath(obj: Record<string, unknown>, segs: readonly string[], value: unknown): void {
  let cur = obj;
  segs.forEach((seg, i) => {
    if (i === segs.length - 1) cur[seg] = value;
    else {
      const next = cur[seg];
      cur = (cur[seg] = next !== null && typeof next === "object" ? next : {}) as Record<string, unknown>;
    }
  });
}
