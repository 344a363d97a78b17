// The web app's files from the bundle folder (dist/ui/, beside the compiled engine): a request path
// is decoded once and must resolve inside the folder (`..`, `%2e%2e`, absolute paths and symlinks
// out are refused); unknown paths get index.html so the app can route; no bundle, a page that says so.
import { realpathSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { HttpError } from "./http-error.js";

/** dist/engine/src/ui/server/static.js → dist/ui/. */
export function defaultBundleDir(): string {
  return fileURLToPath(new URL("../../../../ui/", import.meta.url));
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
};

export interface StaticFile {
  readonly status: 200 | 503;
  readonly type: string;
  readonly body: Buffer | string;
  /** index.html and the missing-bundle page are never cached; hashed assets may be. */
  readonly cache: string;
}

/** The decoded, root-relative file a URL path names, or a 400/403 when it cannot be one. */
export function confinedPath(bundleDir: string, urlPath: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw new HttpError(400, `bad path encoding: ${urlPath.slice(0, 200)}`);
  }
  if (decoded.includes("\0")) throw new HttpError(400, "bad path: NUL byte");
  const rel = decoded.replace(/^\/+/, "");
  if (isAbsolute(rel) || /^[A-Za-z]:/.test(rel)) throw new HttpError(403, "path outside the web app");
  const full = resolve(bundleDir, rel);
  const back = relative(bundleDir, full);
  if (back.startsWith(`..${sep}`) || back === ".." || isAbsolute(back)) throw new HttpError(403, "path outside the web app");
  return full;
}

export async function staticFile(bundleDir: string, urlPath: string): Promise<StaticFile> {
  const index = join(bundleDir, "index.html");
  if (!isFile(index)) return { status: 503, type: TYPES[".html"] ?? "text/html", body: MISSING_PAGE, cache: "no-store" };
  const full = confinedPath(bundleDir, urlPath);
  if (full !== resolve(bundleDir) && isFile(full) && inside(bundleDir, full)) {
    return { status: 200, type: TYPES[extname(full).toLowerCase()] ?? "application/octet-stream", body: await readFile(full), cache: cacheFor(full) };
  }
  return { status: 200, type: TYPES[".html"] ?? "text/html", body: await readFile(index), cache: "no-cache" };
}

function cacheFor(path: string): string {
  return path.endsWith("index.html") ? "no-cache" : "public, max-age=300";
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The file's real path (symlinks followed) still lies in the bundle's real folder. */
function inside(bundleDir: string, full: string): boolean {
  try {
    const back = relative(realpathSync(bundleDir), realpathSync(full));
    return !back.startsWith(`..${sep}`) && back !== ".." && !isAbsolute(back);
  } catch {
    return false;
  }
}

const MISSING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pipe ui: web app not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}code{background:#eee;padding:0 .3em}</style></head>
<body><h1>The web app is not built</h1>
<p><code>pipe ui</code> serves the web app from <code>dist/ui/</code> in the pipe checkout, and it is not there.
Run <code>npm run build</code> in the pipe checkout, then reload this page.</p>
<p>The API answers meanwhile: <a href="/api/project">/api/project</a>, <a href="/api/experiments">/api/experiments</a>,
<a href="/api/pipeline">/api/pipeline</a>.</p></body></html>
`;
