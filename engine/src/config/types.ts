// The validated, immutable pipeline model: what `loadPipeline()` returns once every stage of
// pipeline.yaml (or dvc.yaml) has been checked, interpolated and expanded (foreach / matrix).
import type { SourceLocation } from "../diagnostics/types.js";

/** A stage name as written (`train`) or expanded (`train@small`, `train@lr-0.01`). Minted by the parser. */
export type StageName = string & { readonly __brand: "StageName" };
/** A POSIX path relative to the project root, normalized (no `./`, no `..`, no trailing `/`). */
export type RelPath = string & { readonly __brand: "RelPath" };

export interface DepSpec {
  /** Root-relative path, or a root-relative glob pattern when `glob` is true. */
  readonly path: RelPath;
  readonly glob: boolean;
  readonly loc: SourceLocation;
}

export type OutKind = "out" | "metric" | "plot";

/** DVC plot options, kept for `pipe plots`. */
export interface PlotOptions {
  readonly x?: string;
  readonly y?: string | readonly string[];
  readonly template?: string;
  readonly title?: string;
  readonly x_label?: string;
  readonly y_label?: string;
}

export interface OutSpec {
  readonly path: RelPath;
  readonly kind: OutKind;
  /** Stored in `.cache/` (default true for outs, true for metrics/plots as in DVC). */
  readonly cache: boolean;
  /** Not removed before the stage runs. */
  readonly persist: boolean;
  readonly plot?: PlotOptions;
  readonly loc: SourceLocation;
}

/** One declared params reference: a dotted key of a params file, or the whole file (`key` null). */
export interface ParamRef {
  readonly file: RelPath;
  readonly key: string | null;
  readonly loc: SourceLocation;
}

export interface Stage {
  readonly name: StageName;
  /** Commands run one after another by the shell in `wdir`; already interpolated. */
  readonly cmd: readonly string[];
  /** Root-relative working directory ("" for the root). */
  readonly wdir: RelPath;
  readonly deps: readonly DepSpec[];
  readonly params: readonly ParamRef[];
  /**
   * Current values of the declared params, per params file then dotted key
   * (a whole-file reference contributes every top-level key of that file).
   */
  readonly paramValues: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** outs, metrics and plots together, in declaration order. */
  readonly outs: readonly OutSpec[];
  readonly frozen: boolean;
  readonly alwaysChanged: boolean;
  readonly desc?: string;
  /** Extra environment for the command (merged over the process environment). */
  readonly env: Readonly<Record<string, string>>;
  /** Location of the stage's key in the YAML file. */
  readonly loc: SourceLocation;
}

export interface Pipeline {
  /** Absolute path of the project root (the folder holding the pipeline file). */
  readonly root: string;
  /** The pipeline file, relative to the root: `pipeline.yaml` or `dvc.yaml`. */
  readonly file: RelPath;
  /** Stages in file order (foreach/matrix expansions in their generated order). */
  readonly stages: readonly Stage[];
  /** Text of every source file read (pipeline file, params files), for printing diagnostics. */
  readonly sources: ReadonlyMap<string, string>;
}
