// Params and vars files (YAML or JSON), each read and parsed at most once per load, frozen, and
// their text kept for diagnostics. TOML and Python params files are rejected with a clear message.
import { join } from "node:path";
import type { Diagnostic, SourceLocation } from "../diagnostics/types.js";
import type { ConfigFs } from "./fs.js";
import { parseJson, parseYaml } from "./source.js";
import type { RelPath } from "./types.js";

export interface ParamsFile {
  readonly rel: RelPath;
  /** Top-level mapping of the file, deeply frozen. */
  readonly data: Readonly<Record<string, unknown>>;
}

export type ParamsLoad =
  | { readonly kind: "ok"; readonly file: ParamsFile }
  | { readonly kind: "missing" }
  /** Unreadable as params (syntax error, wrong format); already reported. */
  | { readonly kind: "invalid" };

const UNSUPPORTED: Readonly<Record<string, string>> = { ".toml": "TOML", ".py": "Python" };

/** Per-load cache of params files; `get` reports parse problems once, at the first use. */
export class ParamsStore {
  private readonly cache = new Map<string, ParamsLoad>();

  constructor(
    private readonly root: string,
    private readonly fs: ConfigFs,
    private readonly sources: Map<string, string>,
    private readonly diags: Diagnostic[],
  ) {}

  get(rel: RelPath, usedAt: SourceLocation): ParamsLoad {
    let r = this.cache.get(rel);
    if (r === undefined) {
      r = this.load(rel, usedAt);
      this.cache.set(rel, r);
    }
    return r;
  }

  /** Loads a file that may be absent without reporting anything (the implicit root params.yaml). */
  peek(rel: RelPath): ParamsLoad {
    return this.get(rel, { file: rel, line: 1, col: 1 });
  }

  private load(rel: RelPath, usedAt: SourceLocation): ParamsLoad {
    const text = this.fs.readText(join(this.root, rel));
    if (text === null) return { kind: "missing" };
    this.sources.set(rel, text);
    const ext = /\.[^./]+$/.exec(rel)?.[0].toLowerCase() ?? "";
    const format = UNSUPPORTED[ext];
    if (format !== undefined) {
      this.diags.push({
        severity: "error",
        code: "unsupported-params-format",
        message: `params file '${rel}' is ${format}; pipe reads YAML and JSON params files only`,
        location: usedAt,
      });
      return { kind: "invalid" };
    }
    let data: unknown;
    if (ext === ".json") {
      const r = parseJson(rel, text, this.diags);
      if (!r.ok) return { kind: "invalid" };
      data = r.value;
    } else {
      const { doc, ok } = parseYaml(rel, text, this.diags);
      if (!ok) return { kind: "invalid" };
      data = doc.toJS({ maxAliasCount: -1 }) as unknown;
    }
    if (data === null || data === undefined) data = {};
    if (typeof data !== "object" || Array.isArray(data)) {
      this.diags.push({
        severity: "error",
        code: "bad-type",
        message: `params file '${rel}' must hold a mapping at its top level`,
        location: { file: rel, line: 1, col: 1 },
        related: [{ message: "referenced here", location: usedAt }],
      });
      return { kind: "invalid" };
    }
    return { kind: "ok", file: { rel, data: deepFreeze(data as Record<string, unknown>) } };
  }
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
