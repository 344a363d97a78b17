// Expands the `stages:` mapping into concrete stages: plain stages, `foreach`+`do` (one stage per
// item, `name@item` / `name@key` / `name@index`) and `matrix` (cartesian product, `name@a1-b1`).
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from "yaml";
import type { SourceLocation } from "../diagnostics/types.js";
import type { Context } from "./interpolate.js";
import { resolveMap, resolveNode, toPlain, type RMap, type ResolveEnv } from "./resolve.js";
import { nodeLoc } from "./source.js";
import { validateStage, type StageEnv } from "./stage.js";
import type { Stage } from "./types.js";

const LITERAL = new Set(["meta"]);
const MATRIX_OMIT = new Set(["matrix"]);
const INVALID_NAME = /[@:/\\,#]/;
/** Guard against a typo turning a matrix into millions of stages. */
const MAX_EXPANSION = 10_000;

/** Validated stages in file order; problems go to `renv.diags`. */
export function expandStages(stagesNode: unknown, renv: ResolveEnv, ctx: Context, senv: StageEnv): Stage[] {
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
    for (const [name, stageBody] of expandOne(label, loc, body, renv, ctx)) {
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
      // A duplicate is still validated, so that its own mistakes are reported too.
      const stage = validateStage(name, label, loc, stageBody, senv);
      if (first === undefined && stage !== null) stages.push(stage);
      names.set(name, first ?? loc);
    }
  }
  return stages;
}

/** The concrete (name, resolved body) pairs one stage entry produces. */
function* expandOne(label: string, loc: SourceLocation, body: YAMLMap, renv: ResolveEnv, ctx: Context): Generator<[string, RMap]> {
  const foreach = findPair(body, "foreach");
  const doPair = findPair(body, "do");
  const matrix = findPair(body, "matrix");
  if (foreach === undefined && doPair === undefined) {
    if (matrix === undefined) {
      yield [label, resolveMap(body, renv, ctx, { literal: LITERAL })];
      return;
    }
    for (const [suffix, item] of matrixItems(label, matrix, renv, ctx)) {
      yield [`${label}@${suffix}`, resolveMap(body, renv, ctx.with({ item, key: suffix }), { omit: MATRIX_OMIT, literal: LITERAL })];
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
  const iterable: unknown = toPlain(resolveNode(foreach.value, renv, ctx, fLoc));
  const valueLoc = nodeLoc(renv.src, (foreach.value as Node | null) ?? (foreach.key as Node));
  let items: [string, Record<string, unknown>][];
  if (Array.isArray(iterable)) {
    // Like DVC: a list holding any list or mapping is named by index, otherwise by value.
    const list: readonly unknown[] = iterable;
    const byIndex = list.some((v) => v !== null && typeof v === "object");
    items = list.map((item, i) => [byIndex ? String(i) : String(item), { item }]);
  } else if (iterable !== null && typeof iterable === "object") {
    items = Object.entries(iterable as Record<string, unknown>).map(([key, item]) => [key, { item, key }]);
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
  for (const [suffix, locals] of items) yield [`${label}@${suffix}`, resolveMap(doNode, renv, ctx.with(locals), { literal: LITERAL })];
}

/** DVC's matrix naming: values joined by `-`, a list/mapping value shown as `<key><index>`. */
function matrixItems(label: string, pair: Pair, renv: ResolveEnv, ctx: Context): [string, Record<string, unknown>][] {
  const at = keyLoc(renv, pair) ?? { file: renv.src.file, line: 1, col: 1 };
  const m = resolveNode(pair.value, renv, ctx, at);
  if (m.kind !== "map") {
    renv.diags.push({ severity: "error", code: "bad-type", message: `'matrix' of stage '${label}' must be a mapping of names to lists`, location: m.loc });
    return [];
  }
  const axes: { key: string; values: unknown[] }[] = [];
  let total = 1;
  for (const e of m.entries) {
    const v = toPlain(e.value);
    if (!Array.isArray(v)) {
      if (!(typeof v === "string" && v.includes("${"))) {
        renv.diags.push({ severity: "error", code: "bad-type", message: `matrix '${e.key}' of stage '${label}' must be a list`, location: e.value.loc });
      }
      return [];
    }
    axes.push({ key: e.key, values: v });
    total *= v.length;
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
    combos = combos.flatMap((c) =>
      values.map((v, i) => ({
        parts: [...c.parts, v !== null && typeof v === "object" ? `${key}${i}` : String(v)],
        item: { ...c.item, [key]: v },
      })),
    );
  }
  return axes.length === 0 ? [] : combos.map((c) => [c.parts.join("-"), c.item]);
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key);
}

function keyLoc(renv: ResolveEnv, p: Pair): SourceLocation | undefined {
  return isScalar(p.key) ? nodeLoc(renv.src, p.key) : undefined;
}
