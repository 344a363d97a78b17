// Public surface of diagnostics: the data types and the one printer.
export type { Diagnostic, DiagnosticCode, RelatedInfo, Result, Severity, SourceLocation } from "./types.js";
export { err, ok } from "./types.js";
export { countLine, formatDiagnostic, formatDiagnostics } from "./format.js";
