// The experiment record: what one `pipe repro` (or `pipe exp run`) leaves behind in .pipe/exp/,
// enough to list, compare and re-apply runs without git or a server.

/** file → dotted key → value (flattened as in metrics/flatten.ts). */
export type FileValues = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export interface GitInfo {
  /** HEAD at record time; null before the first commit. */
  readonly commit: string | null;
  /** Tracked files differed from HEAD (untracked files are ignored). */
  readonly dirty: boolean;
}

export type RunStatus = "success" | "failed";

/** One recorded run. Versioned by `schema` so later readers can migrate old entries. */
export interface ExperimentRecord {
  readonly schema: 1;
  /** Time-sortable unique id (`<base36 ms>-<random hex>`). */
  readonly id: string;
  /** Unique within the store: `--name`, or generated (`exp-<hex>`). */
  readonly name: string;
  /** ISO-8601 time the record was written. */
  readonly createdAt: string;
  /** null outside a git repository. */
  readonly git: GitInfo | null;
  readonly status: RunStatus;
  /** The params the pipeline declares, as they were for this run. */
  readonly params: FileValues;
  /** The declared metrics files after the run (files that could not be parsed are left out). */
  readonly metrics: FileValues;
  /** Digest of each data dep, root-relative path → digest. */
  readonly deps: Readonly<Record<string, string>>;
  /** Milliseconds per stage that ran or was restored. */
  readonly durations: Readonly<Record<string, number>>;
  /** Text of the declared plot files after the run (each up to 1 MiB), for `pipe plots diff NAME`. */
  readonly plots?: Readonly<Record<string, string>>;
  /** The `-S` overrides this run was started with (`pipe exp run`), if any. */
  readonly overrides?: FileValues;
}

/** A queued combination of `-S` overrides waiting for `pipe exp run --run-all`. */
export interface QueuedExperiment {
  readonly schema: 1;
  readonly id: string;
  readonly name?: string;
  readonly createdAt: string;
  readonly overrides: FileValues;
}
