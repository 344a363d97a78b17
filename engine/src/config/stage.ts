// Validates one (already interpolated) stage body into a `Stage`: keys, types, paths relative to
// wdir, params references checked against their files. Reports every problem it finds.
import type { Diagnostic, DiagnosticCode, SourceLocation } from "../diagnostics/types.js";
import type { ParamsStore } from "./params.js";
import { getPath, isGlob, joinRel, resolveRel } from "./paths.js";
import { describeNode, type RMap, type RNode } from "./resolve.js";
import { didYouMean } from "./suggest.js";
import type { DepSpec, OutKind, OutSpec, ParamRef, PlotOptions, RelPath, Stage, StageName } from "./types.js";

/** Keys a stage may have (after foreach/matrix are taken apart and `vars` merged by the expander). */
export const STAGE_KEYS = ["cmd", "wdir", "deps", "params", "outs", "metrics", "plots", "frozen", "always_changed", "desc", "meta", "env", "vars"] as const;
const EXPANSION_KEYS = ["foreach", "do", "matrix"];

const OUT_OPTIONS = ["cache", "persist", "desc", "type", "labels", "meta", "remote", "push", "checkpoint"];
const PLOT_OPTIONS = ["x", "y", "template", "title", "x_label", "y_label", "header"];
const OUT_KIND: Readonly<Record<string, OutKind>> = { outs: "out", metrics: "metric", plots: "plot" };

export interface StageEnv {
  readonly root: string;
  /** Root-relative folder of the pipeline file: the default wdir. */
  readonly baseDir: string;
  readonly params: ParamsStore;
  readonly diags: Diagnostic[];
}

/**
 * `name` is the stage's final name (`train@small`); `label` the name as written (`train`), used
 * in messages so that one mistake in a foreach body reads the same for every generated stage.
 */
export function validateStage(name: string, label: string, loc: SourceLocation, body: RMap, env: StageEnv): Stage | null {
  const v = new StageValidator(label, env);
  return v.run(name, loc, body);
}

class StageValidator {
  private failed = false;
  private readonly missingFiles = new Set<string>();

  constructor(
    private readonly label: string,
    private readonly env: StageEnv,
  ) {}

  run(name: string, loc: SourceLocation, body: RMap): Stage | null {
    const get = (k: string): RNode | undefined => body.entries.find((e) => e.key === k)?.value;
    const wdirNode = get("wdir");
    const wdir = wdirNode === undefined ? (this.env.baseDir as RelPath) : this.wdir(wdirNode);
    let cmd: string[] = [];
    const deps: DepSpec[] = [];
    const params: ParamRef[] = [];
    const paramValues: Record<string, Record<string, unknown>> = {};
    const outs: OutSpec[] = [];
    let frozen = false;
    let alwaysChanged = false;
    let desc: string | undefined;
    const stageEnv: Record<string, string> = {};
    for (const { key, keyLoc, value } of body.entries) {
      switch (key) {
        case "cmd":
          cmd = this.cmd(value);
          break;
        case "wdir":
        case "meta":
          break;
        case "deps":
          for (const n of this.list(value, key)) this.dep(n, wdir, deps);
          break;
        case "params":
          for (const n of this.list(value, key)) this.paramEntry(n, wdir ?? "", params, paramValues);
          break;
        case "outs":
        case "metrics":
        case "plots":
          for (const n of this.list(value, key)) this.out(n, OUT_KIND[key]!, wdir ?? "", outs);
          break;
        case "frozen":
          frozen = this.bool(value, key) ?? false;
          break;
        case "always_changed":
          alwaysChanged = this.bool(value, key) ?? false;
          break;
        case "desc":
          desc = this.str(value, key);
          break;
        case "env":
          this.envMap(value, stageEnv);
          break;
        case "vars":
          // The expander takes a stage's own `vars` out; one that is still here came from a `<<` merge.
          this.error("bad-type", `'vars' of stage '${this.label}' must be written in the stage itself, not merged in with '<<'`, keyLoc);
          break;
        default:
          this.error("unknown-key", `unknown key '${key}' in stage '${this.label}'${didYouMean(key, [...STAGE_KEYS, ...EXPANSION_KEYS])}`, keyLoc);
      }
    }
    if (get("cmd") === undefined) this.error("missing-cmd", `stage '${this.label}' has no 'cmd'`, loc);
    if (this.failed || wdir === null) return null;
    const frozenValues: Record<string, Readonly<Record<string, unknown>>> = {};
    for (const [f, vals] of Object.entries(paramValues)) frozenValues[f] = Object.freeze(vals);
    return Object.freeze({
      name: name as StageName,
      cmd: Object.freeze(cmd),
      wdir,
      deps: Object.freeze(deps),
      params: Object.freeze(params),
      paramValues: Object.freeze(frozenValues),
      outs: Object.freeze(outs),
      frozen,
      alwaysChanged,
      ...(desc === undefined ? {} : { desc }),
      env: Object.freeze(stageEnv),
      loc,
    });
  }

  private error(code: DiagnosticCode, message: string, location: SourceLocation): void {
    this.failed = true;
    this.env.diags.push({ severity: "error", code, message, location });
  }

  private badType(n: RNode, what: string, expected: string): void {
    this.error("bad-type", `${what} in stage '${this.label}' must be ${expected}, got ${describeNode(n)}`, n.loc);
  }

  private str(n: RNode, key: string): string | undefined {
    if (n.kind === "scalar" && typeof n.value === "string") return n.value;
    this.badType(n, `'${key}'`, "a string");
    return undefined;
  }

  private bool(n: RNode, key: string): boolean | undefined {
    if (n.kind === "scalar" && typeof n.value === "boolean") return n.value;
    this.badType(n, `'${key}'`, "true or false");
    return undefined;
  }

  /** Items of a list-valued key; an empty value (`deps:`) is an empty list. */
  private list(n: RNode, key: string): readonly RNode[] {
    if (n.kind === "seq") return n.items;
    if (n.kind === "scalar" && n.value === null) return [];
    this.badType(n, `'${key}'`, "a list");
    return [];
  }

  private wdir(n: RNode): RelPath | null {
    const s = this.str(n, "wdir");
    if (s === undefined) return null;
    const r = resolveRel(this.env.root, this.env.baseDir, s);
    if (r.ok) return r.path;
    this.error("wdir-outside-project", `wdir '${s}' of stage '${this.label}' is outside the project`, n.loc);
    return null;
  }

  private cmd(n: RNode): string[] {
    const items = n.kind === "seq" ? n.items : [n];
    if (items.length === 0 || (n.kind === "scalar" && n.value === null)) {
      this.error("missing-cmd", `stage '${this.label}' has an empty 'cmd'`, n.loc);
      return [];
    }
    const out: string[] = [];
    for (const it of items) {
      if (it.kind === "map") {
        this.error(
          "bad-type",
          `'cmd' in stage '${this.label}' is a mapping; a mapping becomes --key value arguments only inside a longer command ('run.py \${args}')`,
          it.loc,
        );
      } else if (it.kind !== "scalar" || typeof it.value !== "string") {
        this.badType(it, "'cmd'", n.kind === "seq" ? "a list of strings" : "a string or a list of strings");
      } else if (it.value.trim() === "") {
        this.error("missing-cmd", `stage '${this.label}' has an empty 'cmd'`, it.loc);
      } else out.push(it.value);
    }
    return out;
  }

  /** A path entry as a root-relative path; reports and returns null when unusable. */
  private path(n: RNode, what: string, base: string, outsideCode: DiagnosticCode): RelPath | null {
    if (n.kind !== "scalar" || typeof n.value !== "string") {
      this.badType(n, `each ${what}`, "a path string");
      return null;
    }
    const p = n.value;
    if (p.trim() === "") {
      this.error("invalid-path", `empty ${what} path in stage '${this.label}'`, n.loc);
      return null;
    }
    const r = resolveRel(this.env.root, base, p);
    if (!r.ok) {
      const why = r.reason === "external" ? "external (URL) paths are not supported" : "it resolves outside the project";
      this.error(outsideCode, `${what} '${p}' of stage '${this.label}': ${why}`, n.loc);
      return null;
    }
    if (r.path === "") {
      this.error("invalid-path", `${what} '${p}' of stage '${this.label}' is the project root itself`, n.loc);
      return null;
    }
    return r.path;
  }

  private dep(n: RNode, wdir: RelPath | null, deps: DepSpec[]): void {
    const path = this.path(n, "dep", wdir ?? "", "dep-outside-project");
    if (path === null || n.kind !== "scalar") return;
    deps.push(Object.freeze({ path, glob: isGlob(String(n.value)), loc: n.loc }));
  }

  private out(n: RNode, kind: OutKind, base: string, outs: OutSpec[]): void {
    const what = kind === "out" ? "out" : kind;
    let pathNode: RNode = n;
    let opts: RNode | undefined;
    if (n.kind === "map") {
      const [first, ...rest] = n.entries;
      if (first === undefined || rest.length > 0) {
        this.badType(n, `each ${what}`, "a path or a one-key mapping {path: {options}}");
        return;
      }
      pathNode = { kind: "scalar", value: first.key, loc: first.keyLoc };
      opts = first.value;
    }
    const path = this.path(pathNode, what, base, "out-outside-project");
    if (path !== null && isGlob(path)) {
      this.error("invalid-path", `${what} '${path}' of stage '${this.label}' is a glob pattern; outputs must be plain paths`, pathNode.loc);
      return;
    }
    const o = this.outOptions(opts, kind);
    if (path === null || o === null) return;
    outs.push(Object.freeze({ path, kind, ...o, loc: pathNode.loc }));
  }

  private outOptions(n: RNode | undefined, kind: OutKind): { cache: boolean; persist: boolean; plot?: PlotOptions } | null {
    const o: { cache: boolean; persist: boolean; plot?: PlotOptions } = { cache: true, persist: false };
    if (n === undefined || (n.kind === "scalar" && n.value === null)) return o;
    if (n.kind !== "map") {
      this.badType(n, `options of ${kind === "out" ? "an out" : `a ${kind}`}`, "a mapping");
      return null;
    }
    const allowed = kind === "plot" ? [...OUT_OPTIONS, ...PLOT_OPTIONS] : OUT_OPTIONS;
    const plot: Record<string, string | readonly string[]> = {};
    let ok = true;
    const check = (good: boolean, v: RNode, key: string, expected: string): boolean => {
      if (!good) {
        this.badType(v, `'${key}'`, expected);
        ok = false;
      }
      return good;
    };
    for (const { key, keyLoc, value: v } of n.entries) {
      const isStr = v.kind === "scalar" && typeof v.value === "string";
      const isBool = v.kind === "scalar" && typeof v.value === "boolean";
      if (!allowed.includes(key)) {
        ok = false;
        this.error("unknown-key", `unknown ${kind} option '${key}' in stage '${this.label}'${didYouMean(key, allowed)}`, keyLoc);
      } else if (key === "cache" || key === "persist") {
        if (check(isBool, v, key, "true or false") && v.kind === "scalar") o[key] = v.value === true;
      } else if (key === "push" || key === "checkpoint" || key === "header") {
        check(isBool, v, key, "true or false");
      } else if (key === "labels") {
        check(v.kind === "seq" && v.items.every((i) => i.kind === "scalar" && typeof i.value === "string"), v, key, "a list of strings");
      } else if (key === "meta") {
        // Free-form, ignored.
      } else if (key === "y" && v.kind === "seq") {
        const ys = v.items.map((i) => (i.kind === "scalar" && typeof i.value === "string" ? i.value : null));
        if (
          check(
            ys.every((y) => y !== null),
            v,
            key,
            "a string or a list of strings",
          )
        )
          plot.y = Object.freeze(ys as string[]);
      } else if (check(isStr, v, key, "a string") && v.kind === "scalar" && PLOT_OPTIONS.includes(key)) {
        plot[key] = String(v.value);
      }
    }
    if (!ok) return null;
    if (Object.keys(plot).length > 0) o.plot = Object.freeze(plot);
    return o;
  }

  private paramEntry(n: RNode, wdir: string, refs: ParamRef[], values: Record<string, Record<string, unknown>>): void {
    if (n.kind === "scalar" && typeof n.value === "string") {
      const file = joinRel(wdir, "params.yaml");
      this.paramKey(file, this.loadParams(file, n.loc), n.value, n.loc, refs, values);
      return;
    }
    if (n.kind !== "map") {
      this.badType(n, "each params entry", "a key (string) or a mapping {file: [keys]}");
      return;
    }
    for (const { key: fileName, keyLoc, value } of n.entries) {
      const file = this.path({ kind: "scalar", value: fileName, loc: keyLoc }, "params file", wdir, "dep-outside-project");
      if (file === null) continue;
      const data = this.loadParams(file, keyLoc);
      const whole = (value.kind === "scalar" && value.value === null) || (value.kind === "seq" && value.items.length === 0);
      if (whole) {
        refs.push(Object.freeze({ file, key: null, loc: keyLoc }));
        if (data !== null) Object.assign((values[file] ??= {}), data);
      } else if (value.kind === "seq") {
        for (const k of value.items) {
          if (k.kind === "scalar" && typeof k.value === "string") this.paramKey(file, data, k.value, k.loc, refs, values);
          else this.badType(k, "each params key", "a string");
        }
      } else this.badType(value, `params of '${fileName}'`, "a list of keys (empty for the whole file)");
    }
  }

  /** The params file's data; reports a missing file once per stage. */
  private loadParams(file: RelPath, loc: SourceLocation): Readonly<Record<string, unknown>> | null {
    const r = this.env.params.get(file, loc);
    if (r.kind === "ok") return r.file.data;
    this.failed = true;
    if (r.kind === "missing" && !this.missingFiles.has(file)) {
      this.missingFiles.add(file);
      this.error("missing-params-file", `params file '${file}' of stage '${this.label}' does not exist`, loc);
    }
    return null;
  }

  private paramKey(
    file: RelPath,
    data: Readonly<Record<string, unknown>> | null,
    key: string,
    loc: SourceLocation,
    refs: ParamRef[],
    values: Record<string, Record<string, unknown>>,
  ): void {
    refs.push(Object.freeze({ file, key, loc }));
    if (data === null) return;
    const r = getPath(data, key);
    if (!r.found) {
      this.error("unknown-param-key", `param '${key}' of stage '${this.label}' is not in '${file}'${didYouMean(key, paramKeys(data))}`, loc);
      return;
    }
    (values[file] ??= {})[key] = r.value;
  }

  private envMap(n: RNode, out: Record<string, string>): void {
    if (n.kind !== "map") {
      this.badType(n, "'env'", "a mapping of names to strings");
      return;
    }
    for (const { key, keyLoc, value } of n.entries) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
        this.error("bad-type", `env name '${key}' in stage '${this.label}' is not a valid variable name`, keyLoc);
      } else if (value.kind === "scalar" && value.value !== null) {
        out[key] = String(value.value);
      } else this.badType(value, `env '${key}'`, "a string");
    }
  }
}

const keyCache = new WeakMap<object, string[]>();
/** Every dotted key of a params mapping (for did-you-mean), computed once per file. */
function paramKeys(data: Readonly<Record<string, unknown>>): string[] {
  let keys = keyCache.get(data);
  if (keys === undefined) {
    keys = [];
    const walk = (v: unknown, prefix: string, depth: number): void => {
      if (v === null || typeof v !== "object" || Array.isArray(v) || depth > 8) return;
      for (const [k, x] of Object.entries(v)) {
        const full = prefix === "" ? k : `${prefix}.${k}`;
        keys!.push(full);
        walk(x, full, depth + 1);
      }
    };
    walk(data, "", 0);
    keyCache.set(data, keys);
  }
  return keys;
}
