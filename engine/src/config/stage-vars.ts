// Stage-level `vars` (DVC's EntryDefinition.resolve_stage): entries read relative to the stage's
// wdir and merged into a copy of the context the stage was generated in, so they never leak into
// other stages. As in DVC, nothing may be redefined, only added (mappings merge key by key).
import type { Diagnostic, SourceLocation } from "../diagnostics/types.js";
import { isMapping, mayInterpolate, type Context } from "./interpolate.js";
import type { ParamsStore } from "./params.js";
import { lookupSegments } from "./paths.js";
import type { RNode } from "./resolve.js";
import type { RelPath } from "./types.js";
import { noteImport, parseVarsEntry, readVarsFile, type VarsImports } from "./vars.js";

export interface StageVarsEnv {
  readonly root: string;
  readonly params: ParamsStore;
  readonly diags: Diagnostic[];
  /** Files the global context read; a stage may read the same whole file again (a no-op), nothing else of it. */
  readonly imports: VarsImports;
}

export interface StageVarsSite {
  /** The stage as written (`train`), for messages that read the same for every generated stage. */
  readonly label: string;
  /** Root-relative wdir of the stage: where its vars files are found. */
  readonly wdir: string;
  /** Names set by foreach/matrix (`item`, `key`) that stage vars may not touch. */
  readonly reserved: readonly string[];
}

/**
 * The stage's context: `ctx` plus its `vars` (a list, resolved without interpolation). Null when
 * an entry is unusable or redefines a name; every problem is reported, located at its entry.
 */
export function stageContext(vars: RNode, ctx: Context, site: StageVarsSite, env: StageVarsEnv): Context | null {
  if (vars.kind === "scalar" && vars.value === null) return ctx;
  const whose = ` of stage '${site.label}'`;
  let ok = true;
  const fail = (code: "bad-type" | "interpolation-error" | "redefined-var", message: string, location: SourceLocation): void => {
    ok = false;
    env.diags.push({ severity: "error", code, message, location });
  };
  if (vars.kind !== "seq") {
    fail("bad-type", `'vars'${whose} must be a list of mappings or params file names`, vars.loc);
    return null;
  }
  const interpolated = findInterpolation(vars);
  if (interpolated !== null) {
    fail("interpolation-error", `'vars'${whose} cannot be interpolated (DVC reads them as written)`, interpolated);
    return null;
  }

  const imports: VarsImports = new Map([...env.imports].map(([k, v]) => [k, v === null ? null : [...v]]));
  const added: { data: Readonly<Record<string, unknown>>; source: string }[] = [];
  const scope: Record<string, unknown> = {};
  vars.items.forEach((item, i) => {
    const e = parseVarsEntry(item, env.root, site.wdir, env.diags, whose);
    if (e === null) {
      ok = false;
      return;
    }
    let data: Readonly<Record<string, unknown>> = e.kind === "inline" ? e.data : {};
    const source = e.kind === "inline" ? `${site.label}.vars[${i}]` : e.path;
    if (e.kind === "file") {
      const clash = loadClash(imports, e.path, e.keys, e.spec);
      if (clash === "again") return;
      if (clash !== "new") return fail("redefined-var", `${clash.message}${whose}`, e.loc);
      const read = readVarsFile(e, env.params, env.diags, whose);
      if (read === null || !read.complete) {
        ok = false;
        return;
      }
      data = read.data;
      noteImport(imports, e.path, e.keys);
    }
    const reserved = site.reserved.find((k) => Object.hasOwn(data, k));
    if (reserved !== undefined) {
      return fail("redefined-var", `'vars'${whose} may not set '${reserved}', which foreach/matrix sets for each generated stage`, e.loc);
    }
    const conflict = mergeInto(scope, data, ctx);
    if (conflict !== null) {
      const segs = conflict.split(".");
      const where = added.find((a) => lookupSegments(a.data, segs).found)?.source ?? ctx.sourceOf(segs) ?? "";
      const already = where === "" ? "" : ` in '${where}'`;
      return fail("redefined-var", `'vars'${whose} cannot redefine '${conflict}' from '${source}': it already exists${already}`, e.loc);
    }
    added.push({ data, source });
  });
  if (!ok) return null;
  return Object.keys(scope).length === 0 ? ctx : ctx.with(scope, `${site.label}.vars`);
}

/**
 * Whether reading `path` (whole when `keys` is null) clashes with what the context already read,
 * as DVC's `check_loaded`: "again" for a whole file read twice (skipped), "new" when it may be read.
 */
function loadClash(imports: VarsImports, path: RelPath, keys: readonly string[] | null, spec: string): "new" | "again" | { readonly message: string } {
  if (!imports.has(path)) return "new";
  const before = imports.get(path) ?? null;
  if (keys === null && before === null) return "again";
  if (keys === null) return { message: `cannot load '${spec}' in full: it is partially loaded already` };
  if (before === null) return { message: `cannot partially load '${spec}': the whole file is loaded already` };
  const twice = keys.find((k) => before.includes(k));
  return twice === undefined ? "new" : { message: `cannot load '${spec}': '${twice}' is loaded already` };
}

/**
 * Adds `data` to the stage's `scope`, each top-level name first seeded from the context's merged
 * view. Returns the dotted name of the first redefinition (DVC's MergeError), else null.
 */
function mergeInto(scope: Record<string, unknown>, data: Readonly<Record<string, unknown>>, ctx: Context): string | null {
  for (const k of Object.keys(data)) {
    if (Object.hasOwn(scope, k)) continue;
    const existing = ctx.merged(k);
    if (existing.found) scope[k] = existing.value;
  }
  return mergeNested(scope, data, null);
}

/** DVC's `_merge` without overwriting: mappings merge key by key, any other existing key is a clash. */
function mergeNested(into: Record<string, unknown>, update: Readonly<Record<string, unknown>>, path: string | null): string | null {
  for (const [k, v] of Object.entries(update)) {
    const name = path === null ? k : `${path}.${k}`;
    if (!Object.hasOwn(into, k)) {
      into[k] = v;
      continue;
    }
    const cur = into[k];
    if (!isMapping(cur) || !isMapping(v)) return name;
    const copy: Record<string, unknown> = { ...cur };
    const inner = mergeNested(copy, v, name);
    if (inner !== null) return inner;
    into[k] = copy;
  }
  return null;
}

/** Location of the first string (or mapping key) holding a `${...}`, if any. */
function findInterpolation(n: RNode): SourceLocation | null {
  switch (n.kind) {
    case "scalar":
      return typeof n.value === "string" && mayInterpolate(n.value) ? n.loc : null;
    case "seq":
      for (const it of n.items) {
        const at = findInterpolation(it);
        if (at !== null) return at;
      }
      return null;
    case "map":
      for (const e of n.entries) {
        if (mayInterpolate(e.key)) return e.keyLoc;
        const at = findInterpolation(e.value);
        if (at !== null) return at;
      }
      return null;
    default:
      return null;
  }
}
