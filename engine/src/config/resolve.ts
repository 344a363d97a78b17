// Turns `yaml` nodes into a small located tree (RNode) with `${...}` already interpolated, so
// validation works on typed values that still carry their source positions (STYLE practice 6).
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from "yaml";
import type { Diagnostic, SourceLocation } from "../diagnostics/types.js";
import { isFloatSource } from "./dvc-names.js";
import { interpolate, mayInterpolate, type Context, type InterpolateOptions } from "./interpolate.js";
import { locAt, nodeLoc, type Source } from "./source.js";

export type ScalarValue = string | number | boolean | null;
export interface RScalar {
  readonly kind: "scalar";
  readonly value: ScalarValue;
  readonly loc: SourceLocation;
  /** A number written as a float (`1.0`): generated stage names spell it as DVC does. */
  readonly float?: boolean;
}
export interface RSeq {
  readonly kind: "seq";
  readonly items: readonly RNode[];
  readonly loc: SourceLocation;
}
export interface REntry {
  readonly key: string;
  readonly keyLoc: SourceLocation;
  readonly value: RNode;
}
export interface RMap {
  readonly kind: "map";
  readonly entries: readonly REntry[];
  readonly loc: SourceLocation;
}
export type RNode = RScalar | RSeq | RMap;

/** What resolving needs: the file (for locations and aliases) and where to put diagnostics. */
export interface ResolveEnv {
  readonly src: Source;
  readonly doc: Document;
  readonly diags: Diagnostic[];
}

const MAX_DEPTH = 64;

/**
 * Resolves a node; `ctx` null means no interpolation (values kept as written). `iopts` applies to
 * the strings of this node and of the lists below it (a `cmd` string or list of strings).
 */
export function resolveNode(node: unknown, env: ResolveEnv, ctx: Context | null, fallback: SourceLocation, depth = 0, iopts?: InterpolateOptions): RNode {
  if (isAlias(node)) {
    const target = depth < MAX_DEPTH ? node.resolve(env.doc) : undefined;
    return resolveNode(target ?? null, env, ctx, nodeLoc(env.src, node), depth + 1, iopts);
  }
  if (isMap(node)) return resolveMap(node, env, ctx, {}, depth);
  if (isSeq(node)) {
    const loc = nodeLoc(env.src, node);
    return { kind: "seq", items: node.items.map((n) => resolveNode(n, env, ctx, loc, depth + 1, iopts)), loc };
  }
  if (isScalar(node)) {
    const loc = nodeLoc(env.src, node);
    const v = node.value;
    if (typeof v === "string") {
      if (ctx === null || !mayInterpolate(v)) return { kind: "scalar", value: v, loc };
      return fromPlain(interpolateAt(v, node, env, ctx, iopts), loc);
    }
    if (typeof v === "number") return isFloatSource(node.source) ? { kind: "scalar", value: v, loc, float: true } : { kind: "scalar", value: v, loc };
    if (typeof v === "boolean" || v === null) return { kind: "scalar", value: v, loc };
    if (typeof v === "bigint") return { kind: "scalar", value: Number(v), loc };
    return { kind: "scalar", value: String(v), loc };
  }
  return { kind: "scalar", value: null, loc: fallback };
}

export interface MapOptions {
  /** Keys left out of the result entirely (handled by the caller, e.g. `foreach`). */
  readonly omit?: ReadonlySet<string>;
  /** Keys whose values are kept as written (never interpolated), e.g. `meta`. */
  readonly literal?: ReadonlySet<string>;
  /** Keys whose strings may embed a mapping as `--key value` arguments: `cmd` (DVC's rule). */
  readonly argsKeys?: ReadonlySet<string>;
}

/** Resolves a mapping node: keys as strings, `<<` merge keys applied, duplicate keys reported. */
export function resolveMap(node: Node, env: ResolveEnv, ctx: Context | null, opts: MapOptions = {}, depth = 0): RMap {
  const loc = nodeLoc(env.src, node);
  if (!isMap(node)) return { kind: "map", entries: [], loc };
  const entries: REntry[] = [];
  const seen = new Map<string, SourceLocation>();
  const merged: REntry[] = [];
  for (const pair of node.items) {
    const keyNode = pair.key as Node | null;
    const keyLoc = nodeLoc(env.src, keyNode);
    const raw = isScalar(keyNode) ? keyNode.value : null;
    if (raw === null || typeof raw === "object") {
      env.diags.push({ severity: "error", code: "bad-type", message: "mapping keys must be plain scalars", location: keyLoc });
      continue;
    }
    let key = String(raw);
    if (key === "<<" && isScalar(keyNode) && keyNode.type === "PLAIN") {
      merged.push(...mergeSources(pair.value, env, ctx, keyLoc, depth));
      continue;
    }
    if (opts.omit?.has(key)) continue;
    if (ctx !== null && mayInterpolate(key) && isScalar(keyNode)) {
      const k = interpolateAt(key, keyNode, env, ctx);
      key = k === null || typeof k === "object" ? key : String(k);
    }
    const first = seen.get(key);
    if (first !== undefined) {
      env.diags.push({
        severity: "error",
        code: "duplicate-key",
        message: `duplicate key '${key}'`,
        location: keyLoc,
        related: [{ message: `'${key}' first defined here`, location: first }],
      });
      continue;
    }
    seen.set(key, keyLoc);
    const valueCtx = opts.literal?.has(key) ? null : ctx;
    const iopts = opts.argsKeys?.has(key) ? ARGS : undefined;
    entries.push({ key, keyLoc, value: resolveNode(pair.value, env, valueCtx, keyLoc, depth + 1, iopts) });
  }
  for (const e of merged)
    if (!seen.has(e.key)) {
      seen.set(e.key, e.keyLoc);
      entries.push(e);
    }
  return { kind: "map", entries, loc };
}

const ARGS: InterpolateOptions = { mappingArgs: true };

function mergeSources(value: unknown, env: ResolveEnv, ctx: Context | null, keyLoc: SourceLocation, depth: number): REntry[] {
  const r = resolveNode(value, env, ctx, keyLoc, depth + 1);
  const maps = r.kind === "seq" ? r.items : [r];
  const out: REntry[] = [];
  for (const m of maps) {
    if (m.kind !== "map") {
      env.diags.push({ severity: "error", code: "bad-type", message: "'<<' merge key expects a mapping or a list of mappings", location: m.loc });
      continue;
    }
    for (const e of m.entries) if (!out.some((o) => o.key === e.key)) out.push(e);
  }
  return out;
}

/** Interpolates a scalar's string, reporting errors at the exact `${...}` in the source. */
function interpolateAt(s: string, node: Node, env: ResolveEnv, ctx: Context, iopts?: InterpolateOptions): unknown {
  const r = interpolate(s, ctx, iopts);
  if (r.ok) return r.value;
  const range = node.range;
  for (const e of r.errors) {
    let location = nodeLoc(env.src, node);
    if (range) {
      const at = env.src.text.slice(range[0], range[1]).indexOf(e.text);
      if (at !== -1) location = locAt(env.src, range[0] + at, range[0] + at + e.text.length);
    }
    env.diags.push({ severity: "error", code: "interpolation-error", message: e.message, location });
  }
  return s;
}

/** A located tree for a plain value (e.g. the list a `${...}` produced); every node gets `loc`. */
export function fromPlain(v: unknown, loc: SourceLocation): RNode {
  if (Array.isArray(v)) return { kind: "seq", items: v.map((x) => fromPlain(x, loc)), loc };
  if (v !== null && typeof v === "object") {
    return { kind: "map", entries: Object.entries(v).map(([key, x]) => ({ key, keyLoc: loc, value: fromPlain(x, loc) })), loc };
  }
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null) return { kind: "scalar", value: v, loc };
  return { kind: "scalar", value: v === undefined ? null : String(v), loc };
}

/** The plain JS value of a located tree. */
export function toPlain(n: RNode): unknown {
  switch (n.kind) {
    case "scalar":
      return n.value;
    case "seq":
      return n.items.map(toPlain);
    case "map":
      return Object.fromEntries(n.entries.map((e) => [e.key, toPlain(e.value)]));
    default:
      return assertNever(n);
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

/** `string`, `list`, `mapping`, `number`... for "expected X, got Y" messages. */
export function describeNode(n: RNode): string {
  if (n.kind === "seq") return "a list";
  if (n.kind === "map") return "a mapping";
  const v = n.value;
  if (v === null) return "nothing (null)";
  if (typeof v === "string") return `the string '${v}'`;
  return `the ${typeof v} ${String(v)}`;
}
