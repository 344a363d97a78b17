// One stage body resolved for one (possibly generated) stage, in DVC's order: `wdir` first, in
// the context the stage was generated in; then the stage's `vars`, read relative to that wdir
// into a copy of the context; then every other key, with `cmd` allowed to embed mappings.
import { isScalar, type Node, type Pair, type YAMLMap } from "yaml";
import type { Diagnostic } from "../diagnostics/types.js";
import type { Context } from "./interpolate.js";
import { resolveRel } from "./paths.js";
import { resolveMap, resolveNode, type MapOptions, type RMap, type ResolveEnv } from "./resolve.js";
import { nodeLoc } from "./source.js";
import type { StageEnv } from "./stage.js";
import { stageContext } from "./stage-vars.js";
import type { VarsImports } from "./vars.js";

/** What expanding stages needs: the validator's environment and the files the global context read. */
export interface ExpandEnv extends StageEnv {
  readonly imports: VarsImports;
}

/** DVC interpolates a mapping as `--key value` arguments in `cmd` only. */
const ARGS_KEYS: ReadonlySet<string> = new Set(["cmd"]);

/**
 * The resolved body, or null when its `wdir` or `vars` could not be read (reported). `reserved`
 * are the names foreach/matrix set (`item`, `key`), which stage vars may not set.
 */
export function resolveStageBody(
  body: YAMLMap,
  renv: ResolveEnv,
  ctx: Context,
  opts: MapOptions,
  xenv: ExpandEnv,
  site: { readonly label: string; readonly reserved: readonly string[] },
): RMap | null {
  const withArgs: MapOptions = { ...opts, argsKeys: ARGS_KEYS };
  const varsPair = findPair(body, "vars");
  if (varsPair === undefined) return resolveMap(body, renv, ctx, withArgs);
  const omit = new Set([...(opts.omit ?? []), "vars"]);
  const wdir = stageWdir(body, renv, ctx, xenv);
  if (wdir === undefined) return null;
  // An unusable wdir (outside the project, not a string) is the validator's to report.
  if (wdir === null) return resolveMap(body, renv, ctx, { ...withArgs, omit });
  const at = nodeLoc(renv.src, varsPair.key as Node);
  const vars = resolveNode(varsPair.value, renv, null, at);
  const stageCtx = stageContext(vars, ctx, { label: site.label, wdir, reserved: site.reserved }, xenv);
  return stageCtx === null ? null : resolveMap(body, renv, stageCtx, { ...withArgs, omit });
}

/**
 * The stage's root-relative wdir, resolved without its own vars (as DVC does); null when it is
 * not a usable path, undefined when its interpolation failed (reported: DVC stops there too).
 */
function stageWdir(body: YAMLMap, renv: ResolveEnv, ctx: Context, xenv: ExpandEnv): string | null | undefined {
  const pair = findPair(body, "wdir");
  if (pair === undefined) return xenv.baseDir;
  const diags: Diagnostic[] = [];
  const n = resolveNode(pair.value, { ...renv, diags }, ctx, nodeLoc(renv.src, pair.key as Node));
  if (diags.length > 0) {
    renv.diags.push(...diags);
    return undefined;
  }
  if (n.kind !== "scalar" || typeof n.value !== "string") return null;
  const r = resolveRel(xenv.root, xenv.baseDir, n.value);
  return r.ok ? r.path : null;
}

export function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key);
}
