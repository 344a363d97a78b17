// Slurm jobs on nodes without a shared file system: the spec the driver writes into the job script
// (what to fetch, run and push back) and the result the job leaves on the remote. Pure: building,
// encoding and checking both, and the remote's settings as the node may see them (no secrets).
import { isAbsolute } from "node:path";
import type { RemoteSettings } from "../remote/backends/backend.js";
import { isSecretKey } from "../remote/config/index.js";
import { isDigest, type Digest } from "../hashing/index.js";

export const SPEC_SCHEMA = 1;
/** Where results wait on the remote, next to `objects/` and `runs/`. */
export const RESULTS = "slurm-results/";
/** A spec longer than this does not go into one command-line word (Linux caps one at 128 KiB). */
export const MAX_SPEC_CHARS = 100_000;
/** Output a result carries (its last part): the job's own log stays on the node. */
export const MAX_OUTPUT_CHARS = 256 * 1024;

/** One path's content, as the lock records it: the digest and what a checkout needs. */
export interface StagedPath {
  readonly path: string;
  readonly digest: Digest;
  readonly size: number;
  readonly isDir: boolean;
  readonly nfiles?: number;
}

/** Everything the job needs, since the workspace is not there: it travels inside the job script. */
export interface JobSpec {
  readonly schema: typeof SPEC_SCHEMA;
  readonly stage: string;
  readonly cmd: readonly string[];
  /** Root-relative working folder ("" for the root). */
  readonly wdir: string;
  /** The stage's own `env:` and PIPE_STAGE (the rest of the environment comes with sbatch --export=ALL). */
  readonly env: Readonly<Record<string, string>>;
  /** Deps and params files, as hashed on the driver: the job checks out exactly these digests. */
  readonly deps: readonly StagedPath[];
  readonly outs: readonly string[];
  /** `persist: true` outs the workspace has: checked out (writable) before the commands, as a local run keeps them. */
  readonly persist: readonly StagedPath[];
  /** The remote, secrets left out: the node's own environment (or ssh/AWS config) supplies credentials. */
  readonly remote: RemoteSettings;
  /** Where the job writes its JobResult on the remote. */
  readonly resultKey: string;
}

/** What the job leaves on the remote, under the spec's resultKey. */
export interface JobResult {
  readonly schema: typeof SPEC_SCHEMA;
  readonly stage: string;
  readonly ok: boolean;
  /** The outs as hashed on the node (their objects are on the remote) when ok. */
  readonly outs: readonly StagedPath[];
  /** The commands' output, stdout and stderr as they came (the last MAX_OUTPUT_CHARS). */
  readonly output: string;
  /** Why the job failed: one line. */
  readonly failure?: string;
  readonly host: string;
  /** The scratch folder the stage ran in (removed afterwards). */
  readonly scratch: string;
}

export const resultKey = (runId: string, stageFile: string): string => `${RESULTS}${runId.replace(/[^A-Za-z0-9._-]/g, "_")}/${stageFile}.json`;

/**
 * The remote as the node opens it: no secret option (credentials come from the node), and a
 * folder remote by its absolute path (`folder`, as resolved on the driver: the node has no project).
 */
export function nodeRemote(settings: RemoteSettings, folder: string | null): RemoteSettings {
  const options: Record<string, string> = {};
  for (const [k, v] of Object.entries(settings.options)) if (!isSecretKey(k)) options[k] = v;
  return { name: settings.name, url: folder ?? settings.url.trim(), options };
}

/** The spec as one JSON line, or why it cannot travel in the script. */
export function encodeSpec(spec: JobSpec): { ok: true; text: string } | { ok: false; error: string } {
  const text = JSON.stringify(spec);
  if (text.length > MAX_SPEC_CHARS) {
    return {
      ok: false,
      error: `the job spec of stage '${spec.stage}' is ${text.length} characters (${spec.deps.length} deps), over the ${MAX_SPEC_CHARS} a job script carries`,
    };
  }
  return { ok: true, text };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");
const isStringMap = (v: unknown): v is Record<string, string> => isRecord(v) && Object.values(v).every((s) => typeof s === "string");
/** A root-relative path that stays inside the root. */
const isRelPath = (p: unknown): p is string => typeof p === "string" && p !== "" && !isAbsolute(p) && !p.split("/").includes("..");

function checkPath(v: unknown, what: string): Parsed<StagedPath> {
  if (!isRecord(v) || !isRelPath(v.path)) return { ok: false, error: `${what}: not a path inside the project` };
  if (typeof v.digest !== "string" || !isDigest(v.digest)) return { ok: false, error: `${what} ${v.path}: bad digest ${JSON.stringify(v.digest)}` };
  if (typeof v.size !== "number" || typeof v.isDir !== "boolean") return { ok: false, error: `${what} ${v.path}: size or isDir missing` };
  if (v.nfiles !== undefined && typeof v.nfiles !== "number") return { ok: false, error: `${what} ${v.path}: bad nfiles` };
  return {
    ok: true,
    value: { path: v.path, digest: v.digest, size: v.size, isDir: v.isDir, ...(typeof v.nfiles === "number" ? { nfiles: v.nfiles } : {}) },
  };
}

function checkPaths(v: unknown, what: string): Parsed<StagedPath[]> {
  if (!Array.isArray(v)) return { ok: false, error: `${what} is not a list` };
  const out: StagedPath[] = [];
  for (const item of v) {
    const p = checkPath(item, what);
    if (!p.ok) return p;
    out.push(p.value);
  }
  return { ok: true, value: out };
}

/** The spec from the job's command line, checked (a bad one is a one-line error, never a crash). */
export function parseSpec(text: string): Parsed<JobSpec> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `the job spec is not JSON: ${(e as Error).message}` };
  }
  if (!isRecord(v)) return { ok: false, error: "the job spec is not an object" };
  if (v.schema !== SPEC_SCHEMA) return { ok: false, error: `the job spec has schema ${JSON.stringify(v.schema)}; this pipe reads ${SPEC_SCHEMA}` };
  if (typeof v.stage !== "string" || v.stage === "") return { ok: false, error: "the job spec names no stage" };
  if (!isStrings(v.cmd) || v.cmd.length === 0) return { ok: false, error: "the job spec's cmd is not a list of commands" };
  if (typeof v.wdir !== "string" || (v.wdir !== "" && !isRelPath(v.wdir)))
    return { ok: false, error: `the job spec's wdir ${JSON.stringify(v.wdir)} is not inside the project` };
  if (!isStringMap(v.env)) return { ok: false, error: "the job spec's env is not a map of strings" };
  const deps = checkPaths(v.deps, "dep");
  if (!deps.ok) return deps;
  if (!isStrings(v.outs) || !v.outs.every(isRelPath)) return { ok: false, error: "the job spec's outs are not paths inside the project" };
  const persist = checkPaths(v.persist ?? [], "persist out");
  if (!persist.ok) return persist;
  const r = v.remote;
  if (!isRecord(r) || typeof r.name !== "string" || typeof r.url !== "string" || !isStringMap(r.options))
    return { ok: false, error: "the job spec's remote is not {name, url, options}" };
  if (typeof v.resultKey !== "string" || !v.resultKey.startsWith(RESULTS) || v.resultKey.includes("..")) {
    return { ok: false, error: `the job spec's resultKey ${JSON.stringify(v.resultKey)} is not under ${RESULTS}` };
  }
  return {
    ok: true,
    value: {
      schema: SPEC_SCHEMA,
      stage: v.stage,
      cmd: v.cmd,
      wdir: v.wdir,
      env: v.env,
      deps: deps.value,
      outs: v.outs,
      persist: persist.value,
      remote: { name: r.name, url: r.url, options: r.options },
      resultKey: v.resultKey,
    },
  };
}

/** A result read back from the remote, checked. */
export function parseResult(text: string): Parsed<JobResult> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  if (!isRecord(v) || v.schema !== SPEC_SCHEMA) return { ok: false, error: `not a job result of schema ${SPEC_SCHEMA}` };
  if (typeof v.stage !== "string" || typeof v.ok !== "boolean" || typeof v.output !== "string") return { ok: false, error: "stage, ok or output missing" };
  const outs = checkPaths(v.outs, "out");
  if (!outs.ok) return outs;
  return {
    ok: true,
    value: {
      schema: SPEC_SCHEMA,
      stage: v.stage,
      ok: v.ok,
      outs: outs.value,
      output: v.output,
      ...(typeof v.failure === "string" ? { failure: v.failure } : {}),
      host: typeof v.host === "string" ? v.host : "",
      scratch: typeof v.scratch === "string" ? v.scratch : "",
    },
  };
}

/** Keeps the last `max` characters of a growing output (the start of a long log matters least). */
export function outputKeeper(max = MAX_OUTPUT_CHARS): { add(chunk: string): void; text(): string } {
  let kept = "";
  let dropped = false;
  return {
    add(chunk) {
      kept += chunk;
      if (kept.length > 2 * max) {
        kept = kept.slice(kept.length - max);
        dropped = true;
      }
    },
    text() {
      const t = kept.length > max ? kept.slice(kept.length - max) : kept;
      return dropped || kept.length > max ? `[pipe: earlier output dropped]\n${t.slice(t.indexOf("\n") + 1)}` : t;
    },
  };
}

/** The output's lines (a last one without a newline included). */
export const outputLines = (output: string): string[] => (output === "" ? [] : output.replace(/\n$/, "").split("\n"));
