// What a tracking file (`PATH.dvc`, DVC's layout) records about data no stage produces: each
// tracked path with pipe's digest, or, for a file DVC wrote, its md5 only (pipe cannot name an
// object by it). Pure data, shared by the parser, the writer and the session.
import type { RelPath } from "../config/types.js";
import type { SourceLocation } from "../diagnostics/types.js";
import type { HashInfo } from "../hashing/index.js";

/** One `outs:` entry of a tracking file. */
export interface TrackedOut {
  /** As written in the file: relative to the file's folder (and its `wdir`). */
  readonly written: string;
  /** Root-relative tracked path. */
  readonly path: RelPath;
  /** pipe's digest (and size) of the content; null when the file records none (DVC's md5 only). */
  readonly info: HashInfo | null;
  /** DVC's md5 (`<hex>` or `<hex>.dir`) when the file records one. */
  readonly md5?: string;
  /** Where the entry is written (for diagnostics that point at it). */
  readonly loc: SourceLocation;
}

/** A parsed tracking file. */
export interface TrackingFile {
  /** Root-relative path of the `.dvc` file. */
  readonly file: RelPath;
  readonly outs: readonly TrackedOut[];
}

/** Suffix of tracking files, as DVC names them. */
export const TRACKING_SUFFIX = ".dvc";

/** The tracking file pipe writes for a root-relative path: `data/raw.csv` → `data/raw.csv.dvc`. */
export const trackingFileFor = (path: string): RelPath => `${path}${TRACKING_SUFFIX}` as RelPath;

/** Is this file name a tracking file (`x.dvc`, not the `.dvc` folder)? */
export const isTrackingName = (name: string): boolean => name.endsWith(TRACKING_SUFFIX) && name.length > TRACKING_SUFFIX.length;
