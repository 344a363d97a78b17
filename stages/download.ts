// Stage `download`: brings arxiv-papers.csv.gz into data/raw/, from download.url (http(s) URL or
// local path) or, when that is empty, from the mirror; verifies sha256 while streaming, then renames.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { StageError, runStage, tempPathFor } from "#common/io.js";
import { mirrorRoot } from "#common/mirror.js";
import { projectRoot, readParamGroup } from "#common/params.js";
import { createProgress } from "#common/progress.js";

export const RAW_FILE = "data/raw/arxiv-papers.csv.gz";
const MIRROR_FILE = "arxiv/arxiv-papers.csv.gz";

interface DownloadParams {
  url: string;
  sha256: string;
}

type Source = { kind: "http"; url: string } | { kind: "file"; path: string; via: "url" | "mirror" };

/** Where the bytes come from: an explicit url wins; an empty url means the mirror. */
export function resolveSource(url: string, root: string): Source {
  const u = url.trim();
  if (/^https?:\/\//i.test(u)) return { kind: "http", url: u };
  if (u.startsWith("file://")) return { kind: "file", path: fileURLToPath(u), via: "url" };
  if (u !== "") return { kind: "file", path: isAbsolute(u) ? u : resolve(root, u), via: "url" };
  const mirror = mirrorRoot(process.env, root);
  if (mirror !== null && !existsSync(mirror)) throw new StageError(`PIPE_MIRROR=${process.env.PIPE_MIRROR ?? ""} does not exist`);
  if (mirror === null) {
    throw new StageError(
      "download.url is empty and no mirror was found ($PIPE_MIRROR or ../shared/mirror); " +
        "set download.url to an http(s) URL or a local path of arxiv-papers.csv.gz",
    );
  }
  return { kind: "file", path: join(mirror, MIRROR_FILE), via: "mirror" };
}

async function open(src: Source): Promise<{ body: Readable; size: number | undefined; name: string }> {
  if (src.kind === "file") {
    const st = await stat(src.path).catch(() => undefined);
    if (st === undefined || !st.isFile()) throw new StageError(`source file not found: ${src.path}`);
    return { body: createReadStream(src.path), size: st.size, name: src.path };
  }
  let res: Response;
  try {
    res = await fetch(src.url, { redirect: "follow" });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new StageError(`cannot fetch ${src.url}: ${cause ?? (err as Error).message}`);
  }
  if (!res.ok || res.body === null) throw new StageError(`cannot fetch ${src.url}: HTTP ${res.status} ${res.statusText}`);
  const len = Number(res.headers.get("content-length") ?? Number.NaN);
  // Node's web ReadableStream type differs nominally from the DOM one; the runtime object is fine.
  const body = Readable.fromWeb(res.body);
  // A connection cut before the copy is piped would emit 'error' with no listener and end the
  // process with a stack trace; the copy's pipeline still sees the stream failed and reports it.
  body.on("error", () => undefined);
  return { body, size: Number.isFinite(len) && res.headers.get("content-encoding") === null ? len : undefined, name: src.url };
}

/** Copies `src` to `dest` atomically, hashing on the way; throws a one-line StageError on mismatch. */
export async function fetchVerified(src: Source, dest: string, expectedSha: string): Promise<{ sha256: string; bytes: number }> {
  await mkdir(join(dest, ".."), { recursive: true });
  const { body, size, name } = await open(src);
  const tmp = tempPathFor(dest);
  const hash = createHash("sha256");
  let bytes = 0;
  const bar = createProgress("download", { unit: "bytes", ...(size !== undefined ? { total: size } : {}) });
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      bar.tick(chunk.length);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(body, tap, createWriteStream(tmp));
    bar.done();
    const sha256 = hash.digest("hex");
    if (size !== undefined && bytes !== size) {
      throw new StageError(`truncated download from ${name}: expected ${size} bytes, got ${bytes} (sha256 ${sha256})`);
    }
    const want = expectedSha.trim().toLowerCase();
    if (want !== "" && sha256 !== want) {
      throw new StageError(`checksum mismatch for ${name}: expected sha256 ${want}, got ${sha256} (${bytes} bytes)`);
    }
    await rename(tmp, dest);
    return { sha256, bytes };
  } catch (err) {
    await rm(tmp, { force: true });
    if (err instanceof StageError) throw err;
    throw new StageError(`copy from ${name} failed after ${bytes} bytes: ${(err as Error).message}`);
  }
}

async function main(): Promise<void> {
  const root = projectRoot();
  const p = readParamGroup<Partial<DownloadParams>>("download");
  if (p.url !== undefined && p.url !== null && typeof p.url !== "string") throw new StageError("download.url must be a string");
  if (p.sha256 !== undefined && p.sha256 !== null && typeof p.sha256 !== "string") {
    throw new StageError(`download.sha256 must be a string of 64 hex digits (quote it in params.yaml), got ${JSON.stringify(p.sha256)}`);
  }
  const url = p.url ?? "";
  const sha = p.sha256 ?? "";
  if (sha !== "" && !/^[0-9a-fA-F]{64}$/.test(sha.trim())) throw new StageError(`download.sha256 must be 64 hex digits or empty, got '${sha}'`);
  const src = resolveSource(url, root);
  const dest = join(root, RAW_FILE);
  const from = src.kind === "http" ? src.url : `${src.path}${src.via === "mirror" ? " (mirror)" : ""}`;
  process.stderr.write(`download: ${from} -> ${RAW_FILE}\n`);
  const t0 = Date.now();
  const { sha256, bytes } = await fetchVerified(src, dest, sha);
  const note = sha === "" ? " (download.sha256 is empty: not verified)" : " verified";
  process.stderr.write(`download: ${bytes} bytes, sha256 ${sha256}${note}, ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runStage("download", main);
}
