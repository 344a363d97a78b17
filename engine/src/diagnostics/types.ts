// Diagnostics are data: every expected problem with a pipeline is one of these, carrying the
// YAML source location it came from, and printed in exactly one place (./format.ts).
import type { DiagnosticCode } from "./codes.js";

export type { DiagnosticCode } from "./codes.js";

/** 1-based line and column in a source file (path relative to the project root). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** End of the offending span on the same line, for the `~~~` underline (exclusive, 1-based). */
  readonly endCol?: number;
}

export type Severity = "error" | "warning";

export interface RelatedInfo {
  readonly message: string;
  readonly location: SourceLocation;
}

/** One problem; `code` is one of the documented ids (./codes.ts). */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly location?: SourceLocation;
  readonly related?: readonly RelatedInfo[];
}

/** Result for expected failures; exceptions are reserved for bugs. */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });
