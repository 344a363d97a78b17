// Slurm jobs on nodes that do not share the driver's file system: the driver hashes the stage's deps
// and pushes what the remote lacks, submits a job (through the Slurm executor) that runs
// `pipe job-run <spec>` in a scratch folder, then reads the job's result from the remote, fetches
// the outs (verified) and checks them out here, so run-stage.ts records them as after a local run.
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { RelPath } from "../config/types.js";
import { createCache, type Cache } from "../cache/index.js";
import type { Emit, StageFailure } from "../events/index.js";
import { shQuote, slurmExecutor, fileSafe, type SlurmExecutorOptions } from "../exec/slurm/index.js";
import { slurmDir } from "../exec/slurm/records.js";
import type { StageExecutor, StageJob } from "../exec/executor.js";
import { createHasher, type Hasher } from "../hashing/index.js";
import { RemoteError, type RemoteBackend, type RemoteSettings } from "../remote/backends/backend.js";
import { openRemote, type OpenedRemote } from "./remote-open.js";
import { checkoutItems, fetchItems, pushItems, type CheckoutItem } from "./transfer.js";
import {
  encodeSpec,
  nodeRemote,
  outputLines,
  parseResult,
  resultKey,
  SPEC_SCHEMA,
  type JobResult,
  type JobSpec,
  type StagedPath,
} from "./slurm-staged-spec.js";

export interface StagedExecutorOptions extends Omit<SlurmExecutorOptions, "nodeOutput"> {
  /** The opened remote (the driver's side) and its settings as the node gets them (nodeRemote()). */
  readonly remote: RemoteBackend;
  readonly nodeRemote: RemoteSettings;
  /** The words that start pipe on the node: `[node, .../bin/pipe.js]`. */
  readonly pipe: readonly string[];
  /** Transfers at once. */
  readonly jobs: number;
  /** The job's output file on the node (`%j`: the job id); default `/tmp/pipe-job-%j.log`. */
  readonly nodeOutput?: string;
  /** Where the job starts (sbatch --chdir), a folder every node has; default `/tmp`. */
  readonly nodeCwd?: string;
}

const toItem = (p: StagedPath, label: string): CheckoutItem => ({
  path: p.path as RelPath,
  digest: p.digest,
  size: p.size,
  label,
  ...(p.nfiles !== undefined ? { nfiles: p.nfiles } : {}),
});

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString("utf8");
}

/** The stage's deps and params files, each once: what the job checks out. */
export function stagedInputs(job: Pick<StageJob, "stage">): { paths: RelPath[]; glob: RelPath | null } {
  const seen = new Set<RelPath>();
  for (const d of job.stage.deps) {
    if (d.glob) return { paths: [], glob: d.path };
    seen.add(d.path);
  }
  for (const p of job.stage.params) seen.add(p.file);
  return { paths: [...seen], glob: null };
}

export function stagedExecutor(opts: StagedExecutorOptions): StageExecutor {
  const jobIds = new Map<string, string>();
  const emit: Emit = (e) => {
    if (e.type === "stage-job" && e.jobId !== undefined) jobIds.set(e.stage, e.jobId);
    opts.emit(e);
  };
  const nodeOutput = opts.nodeOutput ?? "/tmp/pipe-job-%j.log";
  const slurm = slurmExecutor({ ...opts, emit, nodeOutput });
  // Its own stat cache: the session's hasher keeps `.cache/state.json`.
  let stores: { hasher: Hasher; cache: Cache } | null = null;
  const open = (): { hasher: Hasher; cache: Cache } => {
    if (stores !== null) return stores;
    const hasher = createHasher({ root: opts.root, statePath: join(slurmDir(opts.root), "staged-state.json") });
    stores = { hasher, cache: createCache({ root: opts.root, hasher }) };
    return stores;
  };
  const remoteName = `remote '${opts.nodeRemote.name}'`;

  return {
    name: "slurm",
    async run(job: StageJob): Promise<StageFailure | null> {
      if (job.signal.aborted) return { kind: "interrupted" };
      const { hasher, cache } = open();
      const stage = job.stage;
      const inputs = stagedInputs(job);
      if (inputs.glob !== null)
        return { kind: "slurm-submit", error: `dep '${inputs.glob}' is a glob, which jobs without a shared file system do not take yet` };

      // 1. The deps (and persist outs) as they are now: into the local cache, then onto the remote.
      const hashed = async (path: RelPath): Promise<StagedPath | null> => {
        const info = await hasher.hashPath(path);
        if (info === null) return null;
        await cache.save(path, info);
        return { path, digest: info.digest, size: info.size, isDir: info.isDir, ...(info.nfiles !== undefined ? { nfiles: info.nfiles } : {}) };
      };
      const deps: StagedPath[] = [];
      for (const path of inputs.paths) {
        const dep = await hashed(path);
        if (dep === null) return { kind: "missing-dep", path };
        deps.push(dep);
      }
      const persist: StagedPath[] = [];
      for (const out of stage.outs) {
        const kept = out.persist ? await hashed(out.path) : null;
        if (kept !== null) persist.push(kept);
      }
      await hasher.flush();
      try {
        const pushed = await pushItems({
          cache,
          remote: opts.remote,
          items: [...deps, ...persist].map((d) => toItem(d, `${d.path} (dep of stage ${stage.name})`)),
          jobs: opts.jobs,
          runCache: false,
        });
        const p = pushed.objects.problems[0];
        if (p !== undefined) return { kind: "slurm-submit", error: `could not push ${p.want.label} to ${remoteName}: ${p.why}` };
      } catch (e) {
        if (e instanceof RemoteError) return { kind: "slurm-submit", error: `could not push the deps to ${remoteName}: ${e.message}` };
        throw e;
      }

      // 2. The job: `pipe job-run <spec>`, the spec written into the script.
      const key = resultKey(opts.runId, fileSafe(stage.name));
      const spec: JobSpec = {
        schema: SPEC_SCHEMA,
        stage: stage.name,
        cmd: stage.cmd,
        wdir: stage.wdir,
        env: { ...stage.env, PIPE_STAGE: stage.name },
        deps,
        outs: stage.outs.map((o) => o.path),
        persist,
        remote: opts.nodeRemote,
        resultKey: key,
      };
      const encoded = encodeSpec(spec);
      if (!encoded.ok) return { kind: "slurm-submit", error: encoded.error };
      const command = [...opts.pipe, "job-run", encoded.text].map(shQuote).join(" ");
      const failure = await slurm.run({ ...job, stage: { ...stage, cmd: [command] }, cwd: opts.nodeCwd ?? "/tmp" });
      if (failure?.kind === "slurm-submit") return failure;
      if (failure?.kind === "interrupted") {
        // A cancelled job may have written its result on its way out: leave nothing behind.
        await opts.remote.delete(key).catch(() => undefined);
        return failure;
      }

      // 3. The result: the output is printed here, the outs fetched and checked out.
      const jobId = jobIds.get(stage.name) ?? "?";
      const result = await readResult(key);
      // Read once: nothing is left on the remote, whatever comes next.
      await opts.remote.delete(key).catch(() => undefined);
      const printed = typeof result === "string" ? [] : outputLines(result.output);
      for (const line of printed) job.onLine("stdout", line);
      const last = (extra: string | undefined): string[] => [...printed.slice(-10), ...(extra === undefined ? [] : [extra])];
      if (failure !== null) {
        // A job that wrote its result said its failure in its output already.
        const why = typeof result === "string" ? `pipe: ${result}` : undefined;
        return failure.kind === "slurm-job" ? { ...failure, tail: last(why) } : failure;
      }
      const completed = (why: string | undefined): StageFailure => ({
        kind: "slurm-job",
        jobId,
        state: "COMPLETED",
        exitCode: 0,
        signal: null,
        log: `${nodeOutput.replace("%j", jobId)} (on the node)`,
        tail: last(why === undefined ? undefined : `pipe: ${why}`),
      });
      if (typeof result === "string") return completed(result);
      if (!result.ok) return completed(result.failure === undefined ? "the job says it failed" : undefined);
      const outs = result.outs.map((o) => toItem(o, `${o.path} (output of stage ${stage.name})`));
      for (const o of stage.outs) if (!outs.some((i) => i.path === o.path)) return { kind: "missing-output", path: o.path };
      try {
        const fetched = await fetchItems({ cache, remote: opts.remote, items: outs, jobs: opts.jobs, runCache: false });
        const p = fetched.objects.problems[0];
        if (p !== undefined) return completed(`could not fetch ${p.want.label} from ${remoteName}: ${p.why}`);
      } catch (e) {
        if (e instanceof RemoteError) return completed(`could not fetch the outputs from ${remoteName}: ${e.message}`);
        throw e;
      }
      const checkout = await checkoutItems(cache, hasher, outs);
      const bad = checkout.problems[0];
      if (bad !== undefined) return completed(`could not check out ${bad.want.label}: ${bad.why}`);
      return null;
    },
  };

  /** The job's result, or why there is none. */
  async function readResult(key: string): Promise<JobResult | string> {
    let text: string;
    try {
      text = await readAll(await opts.remote.get(key));
    } catch (e) {
      if (e instanceof RemoteError)
        return e.kind === "missing" ? `the job left no result at ${key} on ${remoteName}` : `could not read the job's result: ${e.message}`;
      throw e;
    }
    const parsed = parseResult(text);
    return parsed.ok ? parsed.value : `the job's result ${key} on ${remoteName} is unreadable: ${parsed.error}`;
  }
}

/** The remote the jobs use (`slurm_remote`, else `-r`, else the default), opened here and as the node gets it; or one line saying why not. */
export async function openStagedRemote(
  root: string,
  name: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ ok: true; opened: OpenedRemote; node: RemoteSettings } | { ok: false; error: string; exitCode: number }> {
  const opened = await openRemote(root, name, env);
  if (!opened.ok)
    return { ok: false, error: `jobs without a shared file system (slurm_shared_fs = false) need a remote: ${opened.error}`, exitCode: opened.exitCode };
  const r = opened.value.settings;
  return { ok: true, opened: opened.value, node: nodeRemote(r, r.location.kind === "directory" ? r.location.path : null) };
}
