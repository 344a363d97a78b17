// Choose the backend for a remote by its URL: a plain path or `file://` is a directory, `s3://` is
// S3 (or S3-compatible storage), `ssh://` is SFTP. Anything else is a `config` error naming the remote.
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RemoteBackend, RemoteSettings } from "./backend.js";
import { RemoteError } from "./backend.js";
import { DirBackend } from "./dir.js";
import { makeLabel } from "./errors.js";

/** What opening a backend may read from the world: the project root (relative paths) and the environment. */
export interface OpenContext {
  readonly root: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;
/** `user@host:path`, scp's form: not a folder, and not a URL this tool reads. */
const SCP_LIKE = /^[^/:\s]+@[^/:\s]+:/;

/** Async so that the S3 SDK and ssh2 (about half a second of imports) load only for a remote that uses them. */
export async function openBackend(settings: RemoteSettings, ctx: OpenContext): Promise<RemoteBackend> {
  const bad = (what: string): RemoteError => new RemoteError("config", `remote "${settings.name}": ${what}`);
  const url = settings.url.trim();
  if (url === "") throw bad("no URL (set one with `pipe remote add NAME URL`)");
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case undefined: {
      if (SCP_LIKE.test(url)) throw bad(`${JSON.stringify(url)} is not a URL pipe reads; write it as ssh://user@host/absolute/path`);
      const root = isAbsolute(url) ? resolve(url) : resolve(ctx.root, url);
      return new DirBackend(makeLabel(settings.name, url, []), root);
    }
    case "file": {
      let root: string;
      try {
        root = fileURLToPath(url);
      } catch {
        throw bad(`${JSON.stringify(url)} is not a valid file:// URL (write file:///absolute/path)`);
      }
      return new DirBackend(makeLabel(settings.name, url, []), root);
    }
    case "s3":
      return (await import("./s3.js")).openS3(settings, ctx);
    case "ssh":
      return (await import("./ssh.js")).openSsh(settings, ctx);
    default:
      throw bad(`unsupported remote type "${scheme}://" (pipe reads a folder path, file://, s3:// and ssh://)`);
  }
}
