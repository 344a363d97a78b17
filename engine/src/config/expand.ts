// Expands the `stages:` mapping into concrete stages: plain stages, `foreach`+`do` (one stage per
// item, `name@item` / `name@key` / `name@index`) and `matrix` (cartesian product, `name@a1-b1`).
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from "yaml";
import type { SourceLocation } from "../diagnostics/types.js";
import { nodeFragment } from "./dvc-names.js";
import type { Context } from "./interpolate.js";
import { resolveNode, toPlain, type RMap, type ResolveEnv } from "./resolve.js";
import { nodeLoc } from "./source.js";
import { findPair, resolveStageBody, type ExpandEnv } from "./stage-body.js";
import { validateStage } from "./stage.js";
import type { Stage } from "./types.js";

const LITERAL = new Set(["meta"]);
const MATRIX_OMIT = new Set(["matrix"]);
const INVALID_NAME = /[@:/\\,#]/;
/** Guard against a typo turning a matrix into millions of stages. */
const MAX_EXPANSION = 10_000;

/** Validated stages in file order; problems go to `renv.diags`. */
export function expandStages(stagesNode: unknown, renv: ResolveEnv, ctx: Context, xenv: ExpandEnv): Stage[] {
  const diags = renv.diags;
  if (stagesNode === null || stagesNode === undefined || (isScalar(stagesNode) && stagesNode.value === null)) return [];
  if (!isMap(stagesNode)) {
    diags.push({
      severity: "error",
      code: "bad-type",
      message: "'stages' must be a mapping of stage names to stages",
      location: nodeLoc(renv.src, stagesNode as Node),
    });
    return [];
  }
  const stages: Stage[] = [];
  const names = new Map<string, SourceLocation>();
  for (const pair of stagesNode.items) {
    const keyNode = pair.key as Node | null;
    const loc = nodeLoc(renv.src, keyNode);
    const label = isScalar(keyNode) ? keyNode.value : null;
    if (typeof label !== "string" || label === "" || INVALID_NAME.test(label)) {
      const why = typeof label === "string" && label !== "" ? ": it may not contain any of @ : / \\ , #" : "";
      diags.push({ severity: "error", code: "invalid-stage-name", message: `invalid stage name '${String(label ?? "")}'${why}`, location: loc });
      continue;
    }
    const body = pair.value as Node | null;
    if (!isMap(body)) {
      diags.push({ severity: "error", code: "bad-type", message: `stage '${label}' must be a mapping`, location: nodeLoc(renv.src, body ?? keyNode) });
      continue;
    }
    for (const [name, stageBody] of expandOne(label, loc, body, renv, ctx, xenv)) {
      const first = names.get(name);
      if (first !== undefined) {
        diags.push({
          severity: "error",
          code: "duplicate-stage",
          message: `stage '${name}' is defined more than once`,
          location: loc,
          related: [{ message: `'${name}' first defined here`, location: first }],
        });
      }
      // A duplicate is still validated, so that its own mistakes are reported too. A body whose
      // wdir or vars could not be read (null) is not: its problems are already reported.
      const stage = stageBody === null ? null : validateStage(name, label, loc, stageBody, xenv);
      if (first === undefined && stage !== null) stages.push(stage);
      names.set(name, first ?? loc);
    }
  }
  return stages;
}

/** The concrete (name, resolved body) pairs one stage entry produces; a null body is unusable (reported). */
function* expandOne(label: string, loc: SourceLocation, body: YAMLMap, renv: ResolveEnv, ctx: Context, xenv: ExpandEnv): Generator<[string, RMap | null]> {
  const foreach = findPair(body, "foreach");
  const doPair = findPair(body, "do");
  const matrix = findPair(body, "matrix");
  if (foreach === undefined && doPair === undefined) {
    if (matrix === undefined) {
      yield [label, resolveStageBody(body, renv, ctx, { literal: LITERAL }, xenv, { label, reserved: [] })];
      return;
    }
    const site = { label, reserved: ["key", "item"] };
    for (const [suffix, item] of matrixItems(label, matrix, renv, ctx)) {
      const local = ctx.with({ item, key: suffix }, "matrix");
      yield [`${label}@${suffix}`, resolveStageBody(body, renv, local, { omit: MATRIX_OMIT, literal: LITERAL }, xenv, site)];
    }
    return;
  }
  const invalid = (message: string, at: SourceLocation): void => {
    renv.diags.push({ severity: "error", code: "invalid-foreach", message, location: at });
  };
  if (foreach === undefined) return invalid(`stage '${label}' has 'do' but no 'foreach'`, keyLoc(renv, doPair!) ?? loc);
  if (doPair === undefined) return invalid(`stage '${label}' has 'foreach' but no 'do'`, keyLoc(renv, foreach) ?? loc);
  let extra = false;
  for (const p of body.items) {
    const k = isScalar(p.key) ? String(p.key.value) : "";
    if (k !== "foreach" && k !== "do") {
      extra = true;
      invalid(`'${k}' is not allowed next to 'foreach' in stage '${label}' (put it under 'do')`, keyLoc(renv, p) ?? loc);
    }
  }
  if (extra) return;
  const doNode = doPair.value as Node | null;
  if (!isMap(doNode)) {
    renv.diags.push({
      severity: "error",
      code: "bad-type",
      message: `'do' of stage '${label}' must be a mapping`,
      location: nodeLoc(renv.src, doNode ?? (doPair.key as Node)),
    });
    return;
  }
  const fLoc = keyLoc(renv, foreach) ?? loc;
  const resolved = resolveNode(foreach.value, renv, ctx, fLoc);
  const iterable: unknown = toPlain(resolved);
  const valueLoc = nodeLoc(renv.src, (foreach.value as Node | null) ?? (foreach.key as Node));
  let items: [string, Record<string, unknown>][];
  if (resolved.kind === "seq") {
    // Like DVC: a list holding any list or mapping is named by index, otherwise by value.
    const names = resolved.items.map(nodeFragment);
    const byIndex = names.some((n) => n === null);
    items = resolved.items.map((item, i) => [byIndex ? String(i) : names[i]!, { item: toPlain(item) }]);
  } else if (resolved.kind === "map") {
    items = resolved.entries.map(({ key, value }) => [key, { item: toPlain(value), key }]);
  } else {
    if (typeof iterable !== "string" || !iterable.includes("${")) {
      renv.diags.push({
        severity: "error",
        code: "bad-type",
        message: `'foreach' of stage '${label}' must be a list or a mapping, got ${iterable === null ? "nothing" : typeof iterable}`,
        location: valueLoc,
      });
    }
    return;
  }
  if (items.length > MAX_EXPANSION) return invalid(`'foreach' of stage '${label}' expands to ${items.length} stages (limit ${MAX_EXPANSION})`, valueLoc);
  for (const [suffix, locals] of items) {
    const site = { label, reserved: Object.keys(locals) };
    yield [`${label}@${suffix}`, resolveStageBody(doNode, renv, ctx.with(locals, "foreach"), { literal: LITERAL }, xenv, site)];
  }
}

/** DVC's matrix naming: values joined by `-` in the axes' order, a list/mapping value shown as `<key><index>`. */
function matrixItems(label: string, pair: Pair, renv: ResolveEnv, ctx: Context): [string, Record<string, unknown>][] {
  const at = keyLoc(renv, pair) ?? { file: renv.src.file, line: 1, col: 1 };
  const m = resolveNode(pair.value, renv, ctx, at);
  if (m.kind !== "map") {
    renv.diags.push({ severity: "error", code: "bad-type", message: `'matrix' of stage '${label}' must be a mapping of names to lists`, location: m.loc });
    return [];
  }
  const axes: { key: string; values: { value: unknown; fragment: string }[] }[] = [];
  let total = 1;
  for (const e of m.entries) {
    if (e.value.kind !== "seq") {
      const v = e.value.kind === "scalar" ? e.value.value : null;
      if (!(typeof v === "string" && v.includes("${"))) {
        renv.diags.push({ severity: "error", code: "bad-type", message: `matrix '${e.key}' of stage '${label}' must be a list`, location: e.value.loc });
      }
      return [];
    }
    // DVC's MatrixDefinition: a scalar is named by its value, a list or mapping by `<key><index>`.
    const values = e.value.items.map((n, i) => ({ value: toPlain(n), fragment: nodeFragment(n) ?? `${e.key}${i}` }));
    axes.push({ key: e.key, values });
    total *= values.length;
  }
  if (total > MAX_EXPANSION) {
    renv.diags.push({
      severity: "error",
      code: "invalid-foreach",
      message: `'matrix' of stage '${label}' expands to ${total} stages (limit ${MAX_EXPANSION})`,
      location: m.loc,
    });
    return [];
  }
  let combos: { parts: string[]; item: Record<string, unknown> }[] = [{ parts: [], item: {} }];
  for (const { key, values } of axes) {
    combos = combos.flatMap((c) => values.map((v) => ({ parts: [...c.parts, v.fragment], item: { ...c.item, [key]: v.value } })));
  }
  return axes.length === 0 ? [] : combos.map((c) => [c.parts.join("-"), c.item]);
}

function keyLoc(renv: ResolveEnv, p: Pair): SourceLocation | undefined {
  return isScalar(p.key) ? nodeLoc(renv.src, p.key) : undefined;
}
