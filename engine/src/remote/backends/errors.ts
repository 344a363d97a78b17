// How a backend says what went wrong: one line naming the remote (its URL with secrets stripped)
// and the key, with any secret the remote was given masked out of whatever the library said.
import { RemoteError } from "./backend.js";
import type { RemoteErrorKind } from "./backend.js";

/** Who a backend is, for its messages: the remote's name, its display URL and the secrets to mask. */
export interface RemoteLabel {
  readonly name: string;
  readonly url: string;
  readonly secrets: readonly string[];
}

export function makeLabel(name: string, url: string, secrets: readonly (string | undefined)[]): RemoteLabel {
  return { name, url, secrets: secrets.filter((s): s is string => s !== undefined && s.length >= 3) };
}

/** `text` on one line, with every secret replaced by `***`. */
export function redact(label: RemoteLabel, text: string): string {
  let out = text.replace(/\s*[\r\n]+\s*/g, " ").trim();
  for (const secret of label.secrets) out = out.split(secret).join("***");
  return out;
}

/** A RemoteError whose message reads `remote "origin" (s3://bucket/prefix): <what>`. */
export function remoteError(label: RemoteLabel, kind: RemoteErrorKind, what: string, key?: string): RemoteError {
  return new RemoteError(kind, redact(label, `remote "${label.name}" (${label.url}): ${what}`), key);
}

/** The message of anything thrown, on one line. */
export function reason(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** A Node system error code (`ENOENT`, `ECONNREFUSED`), if `err` carries one. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** Network-level failures: the host is not there, refuses, or drops the connection. */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "ECONNABORTED",
]);
