// The contract between `pipe ui`'s server (engine/src/ui/server/) and its web app (web/, bundled into dist/ui/):
// the JSON each route answers and the events the live stream carries. Types only, so the browser
// bundle can import it; the server fills these from the engine's own modules.
import type { RunEvent } from "../events/events.js";

/** GET /api/project: what the app shows in its header and its empty states. */
export interface ProjectInfo {
  /** The project folder's name (never the absolute path: the page needs no more). */
  readonly name: string;
  /** Root-relative pipeline files (pipeline.yaml, sub/dvc.yaml, ...). */
  readonly pipelines: readonly string[];
  readonly git: boolean;
  readonly stages: number;
  readonly experiments: number;
  /** The pipe version serving the page. */
  readonly version: string;
}

/** Where a row of the experiments table comes from. */
export type RowKind = "workspace" | "revision" | "experiment";

/** One row of the experiments table. */
export interface ExpRow {
  /** Stable id for selection and URLs: the experiment id, `workspace`, or `rev:<name>`. */
  readonly id: string;
  readonly kind: RowKind;
  /** Experiment name, `workspace`, or the revision name (`HEAD`, `main`). */
  readonly name: string;
  /** ISO-8601; null where unknown (the workspace). */
  readonly createdAt: string | null;
  /** Full commit hash; null outside git or for the workspace. */
  readonly commit: string | null;
  /** `success` / `failed` for experiments; null for the workspace and revisions. */
  readonly status: "success" | "failed" | null;
  /** Sum of the recorded stage durations, milliseconds; null where none recorded. */
  readonly durationMs: number | null;
  /** Flattened: `file:dotted.key` → value (scalars only: numbers, strings, booleans, null). */
  readonly params: Readonly<Record<string, Scalar>>;
  readonly metrics: Readonly<Record<string, Scalar>>;
}

export type Scalar = number | string | boolean | null;

/** GET /api/experiments */
export interface ExperimentsResponse {
  readonly rows: readonly ExpRow[];
  /** Every params / metrics column any row has (`file:dotted.key`), sorted. */
  readonly paramColumns: readonly string[];
  readonly metricColumns: readonly string[];
  /** Records or revisions that could not be read: one line each. */
  readonly warnings: readonly string[];
}

/** One compared key of GET /api/compare?ids=a,b,c: a value per selected row, in the order asked. */
export interface CompareEntry {
  readonly file: string;
  readonly key: string;
  /** One per selected row; null where the row lacks the key. */
  readonly values: readonly Scalar[];
  /** Not every value is the same. */
  readonly changed: boolean;
  /** With exactly two rows and both numeric: second minus first, as `pipe metrics diff` prints it. */
  readonly diff?: number;
}

/** GET /api/compare?ids=a,b[,c...] */
export interface CompareResponse {
  readonly ids: readonly string[];
  readonly labels: readonly string[];
  readonly params: readonly CompareEntry[];
  readonly metrics: readonly CompareEntry[];
  /** Files a row has but that could not be parsed: one line each (`HEAD: metrics/x.json: not valid JSON`). */
  readonly warnings?: readonly string[];
}

/** One declared plot's data for the selected rows (GET /api/plots?ids=a,b). */
export interface PlotData {
  /** The plot's file (or id) as declared. */
  readonly path: string;
  /** DVC's plot options as declared: template, x, y, title, x_label, y_label. */
  readonly template: string;
  /**
   * How to draw it, DVC's template mapped as plots/spec.ts maps it (`smooth` → `linear`,
   * `bar_horizontal` → `bar`, ...); absent when the plot could not be built (see `error`).
   */
  readonly draw?: "linear" | "scatter" | "bar" | "confusion" | "confusion_normalized";
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Line/scatter/bar data: one series per row and y field. */
  readonly series?: readonly { readonly label: string; readonly points: readonly { readonly x: number | string; readonly y: number }[] }[];
  /** Confusion templates: one matrix per row. */
  readonly matrices?: readonly {
    readonly label: string;
    readonly xClasses: readonly string[];
    readonly yClasses: readonly string[];
    readonly counts: readonly (readonly number[])[];
  }[];
  /** Set when the plot could not be built (bad data, missing file on every side). */
  readonly error?: string;
}

export interface PlotsResponse {
  readonly ids: readonly string[];
  readonly plots: readonly PlotData[];
}

/** A stage's state on the Pipeline page. `running` and `failed` come from the live stream. */
export type StageState = "fresh" | "stale" | "frozen" | "running" | "failed" | "never-run";

export interface LockedItem {
  readonly path: string;
  /** The digest pipeline.lock records; null when the stage has no lock entry for it. */
  readonly digest: string | null;
}

export interface StageView {
  readonly name: string;
  /** The pipeline file that declares it. */
  readonly file: string;
  readonly state: StageState;
  /** Why it is stale, as `pipe status` words them (empty when fresh). */
  readonly reasons: readonly string[];
  readonly cmd: readonly string[];
  readonly deps: readonly LockedItem[];
  readonly outs: readonly LockedItem[];
  /** Declared params keys and their locked values. */
  readonly params: Readonly<Record<string, Scalar>>;
  /** Duration of its last run (the run cache or the last log); null when unknown. */
  readonly lastDurationMs: number | null;
  /** A last log exists (GET /api/stages/:name/log). */
  readonly hasLog: boolean;
  /** From the last log's first line, when there is one: the run that wrote it and how it ended. */
  readonly lastRun?: { readonly runId: string; readonly startedAt: string; readonly outcome: string };
}

/** GET /api/pipeline */
export interface PipelineResponse {
  readonly stages: readonly StageView[];
  /** Upstream → downstream. */
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  /** A repro is running in the project right now (its id), else null. */
  readonly activeRun: string | null;
}

/**
 * GET /api/runs/active: the run in progress (null when none) and every event it has emitted so far,
 * so a page opened mid-run can show the output lines it missed before following /api/events.
 */
export interface ActiveRunResponse {
  readonly runId: string | null;
  readonly events: readonly RunEvent[];
}

/**
 * The live stream (GET /api/events, Server-Sent Events): every event of every repro or exp run in
 * the project as it happens (`event: run`), plus what the server notices itself. Each message is
 * framed as `event: <LiveMessage.type>` and one `data:` line holding the whole LiveMessage as JSON
 * (listen with `source.addEventListener("run", ...)` etc.); `: keep-alive` comments come every 15 s.
 */
export type LiveMessage =
  | { readonly type: "run"; readonly event: RunEvent }
  /** A new experiment record was written: reload the table. */
  | { readonly type: "experiments-changed" }
  /** pipeline.yaml, params or pipeline.lock changed on disk: reload the pipeline view. */
  | { readonly type: "pipeline-changed" };
