// Remote URLs: which forms pipe accepts (a directory or file://, s3://bucket[/prefix],
// ssh://[user@]host[:port]/path), what each names, and the URL with any password masked. Pure.
import { isAbsolute, resolve } from "node:path";
import { err, ok, type Result } from "../../diagnostics/index.js";

/** Where a remote's objects live, parsed from its URL. */
export type RemoteLocation =
  /** A local or mounted folder; `path` is absolute (a relative URL is resolved against the project root). */
  | { readonly kind: "directory"; readonly path: string }
  /** `prefix` has no leading or trailing `/` ("" for the bucket's root). */
  | { readonly kind: "s3"; readonly bucket: string; readonly prefix: string }
  /** `path` is absolute on the server. */
  | { readonly kind: "ssh"; readonly user: string | null; readonly host: string; readonly port: number | null; readonly path: string };

export const URL_FORMS = "a directory, file:///path, s3://bucket[/prefix] or ssh://[user@]host[:port]/path";

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** What `url` names; a one-line reason (never holding a password) when pipe cannot use it. */
export function parseRemoteUrl(url: string, root: string): Result<RemoteLocation, string> {
  const shown = `"${redactUrl(url)}"`;
  if (url.trim() === "") return err("empty remote URL");
  if (hasPassword(url)) return err(`remote URL ${shown} holds a password: leave it out (pipe remote modify NAME password ... keeps it in .pipe/config.local)`);
  const scheme = SCHEME.exec(url);
  if (scheme === null) {
    if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(url)) return err(`unsupported remote URL ${shown} (expected ${URL_FORMS})`);
    return ok({ kind: "directory", path: isAbsolute(url) ? url : resolve(root, url) });
  }
  const kind = (scheme[1] ?? "").toLowerCase();
  const rest = url.slice(scheme[0].length);
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? "" : rest.slice(slash);
  switch (kind) {
    case "file":
      if ((authority !== "" && authority !== "localhost") || path === "") return err(`file URL ${shown} needs an absolute path: file:///path`);
      return mapOk(decoded(path, shown), (p) => ({ kind: "directory", path: p }));
    case "s3":
      return s3(authority, path, shown);
    case "ssh":
      return ssh(authority, path, shown);
    default:
      return err(`unsupported remote URL ${shown} (expected ${URL_FORMS})`);
  }
}

function s3(authority: string, path: string, shown: string): Result<RemoteLocation, string> {
  if (authority === "") return err(`s3 URL ${shown} names no bucket: s3://bucket[/prefix]`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(authority)) return err(`s3 URL ${shown}: "${authority.replace(/^.*@/, "")}" is not a bucket name`);
  return ok({ kind: "s3", bucket: authority, prefix: path.replace(/^\/+|\/+$/g, "") });
}

function ssh(authority: string, path: string, shown: string): Result<RemoteLocation, string> {
  const at = authority.lastIndexOf("@");
  const userText = at < 0 ? null : authority.slice(0, at);
  const hostPort = authority.slice(at + 1);
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d*))?$/.exec(hostPort);
  if (m === null || m[1] === undefined) return err(`ssh URL ${shown} names no host: ssh://[user@]host[:port]/path`);
  let port: number | null = null;
  if (m[2] !== undefined && m[2] !== "") {
    port = Number(m[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return err(`ssh URL ${shown}: port ${m[2]} is not between 1 and 65535`);
  }
  if (path === "" || path === "/") return err(`ssh URL ${shown} names no folder: ssh://[user@]host[:port]/path`);
  const user = userText === null ? null : decoded(userText, shown);
  const folder = decoded(path, shown);
  if ((user !== null && !user.ok) || !folder.ok) return err(`ssh URL ${shown}: bad %-escape`);
  if (user !== null && user.value === "") return err(`ssh URL ${shown}: empty user name before @`);
  return ok({ kind: "ssh", user: user === null ? null : user.value, host: m[1].replace(/^\[|\]$/g, ""), port, path: folder.value });
}

function mapOk<T, U>(r: Result<T, string>, f: (v: T) => U): Result<U, string> {
  return r.ok ? ok(f(r.value)) : r;
}

function decoded(text: string, shown: string): Result<string, string> {
  try {
    return ok(decodeURIComponent(text));
  } catch {
    return err(`${shown}: bad %-escape`);
  }
}

/**
 * Where the user-info of `scheme://user:password@host...` ends, when it holds a password: the last
 * `@` before the first `/` (as URL parsers read it), else the first `@` (a password with a `/`).
 * `host:22/path@v1` is a port, not a password.
 */
function passwordSpan(url: string): { from: number; to: number } | null {
  const scheme = SCHEME.exec(url);
  if (scheme === null) return null;
  const start = scheme[0].length;
  const rest = url.slice(start);
  const slash = rest.indexOf("/");
  const inAuthority = (slash < 0 ? rest : rest.slice(0, slash)).lastIndexOf("@");
  const at = inAuthority >= 0 ? inAuthority : rest.indexOf("@");
  if (at < 0) return null;
  const colon = rest.slice(0, at).indexOf(":");
  if (colon < 0) return null;
  const afterColon = rest.slice(colon + 1);
  const end = afterColon.search(/[/@]/);
  const segment = end < 0 ? afterColon : afterColon.slice(0, end);
  const endsAtUserInfo = end >= 0 && afterColon[end] === "@";
  if (!endsAtUserInfo && /^\d*$/.test(segment)) return null;
  return { from: start + colon + 1, to: start + at };
}

/** True when the URL embeds a password (`ssh://u:pw@h/p`, `https://u:pw@...`, `s3://key:secret@bucket`). */
export const hasPassword = (url: string): boolean => passwordSpan(url) !== null;

/** The URL with an embedded password replaced by `***`: safe to print. */
export function redactUrl(url: string): string {
  const span = passwordSpan(url);
  return span === null ? url : `${url.slice(0, span.from)}***${url.slice(span.to)}`;
}
