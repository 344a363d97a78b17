// `${name}` interpolation as in dvc.yaml: names come from foreach/matrix locals, then `vars`,
// then the root params.yaml. A string that is exactly one `${...}` keeps the value's type.
import { mappingToArgs } from "./cmd-args.js";
import { lookupSegments, type PathLookup } from "./paths.js";
import { closest } from "./suggest.js";

type Scope = Readonly<Record<string, unknown>>;

/** One scope and where it came from (`params.yaml`, `vars[0]`, `train.vars[1]`), for messages. */
export interface NamedScope {
  readonly data: Scope;
  readonly source: string;
}

/** Interpolation scopes, innermost first; immutable (`with` returns a new context). */
export class Context {
  private constructor(private readonly scopes: readonly NamedScope[]) {}

  static of(...scopes: Scope[]): Context {
    return new Context(scopes.map((data) => ({ data, source: "" })));
  }

  static named(...scopes: NamedScope[]): Context {
    return new Context(scopes);
  }

  with(local: Scope, source = "<local>"): Context {
    return new Context([{ data: local, source }, ...this.scopes]);
  }

  lookup(segs: readonly string[]): PathLookup {
    for (const scope of this.scopes) {
      const r = lookupSegments(scope.data, segs);
      if (r.found) return r;
    }
    return { found: false };
  }

  /** The source of the scope a defined name is found in. */
  sourceOf(segs: readonly string[]): string | undefined {
    return this.scopes.find((s) => lookupSegments(s.data, segs).found)?.source;
  }

  /**
   * A top-level name as one value: where several scopes hold a mapping under it, those mappings
   * merged (inner scopes win), which is what `${name}` and `${name.x}` together can see.
   */
  merged(name: string): PathLookup {
    const found = this.scopes.filter((s) => Object.hasOwn(s.data, name)).map((s) => s.data[name]);
    if (found.length === 0) return { found: false };
    const [first, ...rest] = found;
    if (!isMapping(first)) return { found: true, value: first };
    let value: Record<string, unknown> = { ...first };
    for (const outer of rest) {
      if (isMapping(outer)) value = mergeUnder(value, outer);
    }
    return { found: true, value };
  }

  /** A plausible intended name for an undefined one: the closest key below its deepest defined prefix. */
  suggest(segs: readonly string[]): string | undefined {
    for (let n = segs.length - 1; n >= 1; n--) {
      const parent = this.lookup(segs.slice(0, n));
      if (!parent.found) continue;
      const v = parent.value;
      if (v === null || typeof v !== "object") return undefined;
      const c = closest(segs[n]!, Object.keys(v));
      return c === undefined ? undefined : [...segs.slice(0, n), c].join(".");
    }
    return closest(segs[0] ?? "", this.topNames());
  }

  private topNames(): string[] {
    return [...new Set(this.scopes.flatMap((s) => Object.keys(s.data)))];
  }
}

export function isMapping(v: unknown): v is Readonly<Record<string, unknown>> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** `inner` with the keys of `outer` it lacks; mappings under the same key merged the same way. */
function mergeUnder(inner: Readonly<Record<string, unknown>>, outer: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...inner };
  for (const [k, v] of Object.entries(outer)) {
    const mine = out[k];
    if (!Object.hasOwn(out, k)) out[k] = v;
    else if (isMapping(mine) && isMapping(v)) out[k] = mergeUnder(mine, v);
  }
  return out;
}

export interface InterpolationError {
  readonly message: string;
  /** Offsets of the offending `${...}` within the string. */
  readonly start: number;
  readonly end: number;
  /** The `${...}` text as written, to find it in the YAML source. */
  readonly text: string;
}

export type Interpolated = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly errors: readonly InterpolationError[] };

/** Whether a string needs interpolation at all (fast path: most strings do not). */
export function mayInterpolate(s: string): boolean {
  return s.includes("${");
}

export interface InterpolateOptions {
  /**
   * A mapping embedded in a longer string becomes `--key value` arguments (DVC allows this in
   * `cmd` only); elsewhere it is an error.
   */
  readonly mappingArgs?: boolean;
}

/**
 * Interpolates every `${expr}` of `s`. `$${` and `\${` are escapes for a literal `${`.
 * Numbers and booleans print as in JS `String()`; lists and mappings only stand alone, except a
 * mapping in a command (`mappingArgs`).
 */
export function interpolate(s: string, ctx: Context, opts: InterpolateOptions = {}): Interpolated {
  if (!mayInterpolate(s)) return { ok: true, value: s };
  const parts: (string | Token)[] = [];
  const errors: InterpolationError[] = [];
  let lit = "";
  let i = 0;
  while (i < s.length) {
    if (s.startsWith("$${", i) || s.startsWith("\\${", i)) {
      lit += "${";
      i += 3;
    } else if (s.startsWith("${", i)) {
      const close = s.indexOf("}", i + 2);
      if (close === -1) {
        errors.push({ message: `unterminated '\${' in '${s}'`, start: i, end: s.length, text: s.slice(i) });
        break;
      }
      if (lit !== "") parts.push(lit);
      lit = "";
      const token = evaluate(s.slice(i, close + 1), i, ctx);
      if ("message" in token) errors.push(token);
      else parts.push(token);
      i = close + 1;
    } else {
      lit += s[i];
      i++;
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  if (lit !== "") parts.push(lit);
  const only = parts[0];
  if (parts.length === 1 && typeof only === "object") return { ok: true, value: only.value };
  let out = "";
  for (const p of parts) {
    if (typeof p === "string") out += p;
    else if (opts.mappingArgs === true && isMapping(p.value)) {
      const args = mappingToArgs(p.value, printScalar);
      if (args.ok) out += args.text;
      else errors.push({ message: `${args.message} of '${p.text}'`, start: p.start, end: p.start + p.text.length, text: p.text });
    } else if (p.value !== null && typeof p.value === "object") {
      const what = Array.isArray(p.value) ? "a list" : "a mapping";
      const hint = what === "a mapping" && opts.mappingArgs !== true ? " (only a 'cmd' turns a mapping into --key value arguments)" : "";
      errors.push({
        message: `'${p.text}' is ${what}, which cannot be embedded in the string '${s}'${hint}`,
        start: p.start,
        end: p.start + p.text.length,
        text: p.text,
      });
    } else out += printScalar(p.value);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out };
}

/** How a scalar prints inside a longer string. */
function printScalar(v: unknown): string {
  return v === undefined || v === null ? "null" : String(v);
}

interface Token {
  readonly text: string;
  readonly start: number;
  readonly value: unknown;
}

function evaluate(text: string, start: number, ctx: Context): Token | InterpolationError {
  const expr = text.slice(2, -1).trim();
  const end = start + text.length;
  const segs = parseExpr(expr);
  if (segs === null) return { message: `invalid interpolation '${text}'`, start, end, text };
  const r = ctx.lookup(segs);
  if (r.found) return { text, start, value: r.value };
  const hint = ctx.suggest(segs);
  const shell = /^[A-Z_][A-Z0-9_]*$/.test(expr) ? ` (for the shell variable write '$$\{${expr}}')` : "";
  const mean = hint === undefined ? shell : ` (did you mean '${hint}'?)`;
  return { message: `undefined name '${expr}' in '${text}'${mean}`, start, end, text };
}

/** `a.b[0].c` → ["a", "b", "0", "c"]; null when malformed. */
function parseExpr(expr: string): string[] | null {
  if (!/^[A-Za-z_][\w\-@/]*(\.[\w\-@/]+|\[\d+\])*$/.test(expr)) return null;
  return expr.replace(/\[(\d+)\]/g, ".$1").split(".");
}
