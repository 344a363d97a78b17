// The job's side of a Slurm stage without a shared file system (`pipe job-run <spec>` on the node):
// a scratch folder, the deps fetched from the remote (verified) and checked out there, the commands
// run, the outs hashed and pushed, a JobResult written to the remote, the scratch folder removed.
import { mkdir, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { RelPath } from "../config/types.js";
import { createCache } from "../cache/index.js";
import type { Spawner } from "../exec/index.js";
import { createHasher } from "../hashing/index.js";
import { RemoteError, type RemoteBackend, type RemoteSettings } from "../remote/backends/backend.js";
import { checkoutItems, fetchItems, pushItems, type CheckoutItem } from "./transfer.js";
import { outputKeeper, SPEC_SCHEMA, type JobResult, type JobSpec, type StagedPath } from "./slurm-staged-spec.js";

export interface JobRunContext {
  /** Opens the spec's remote (credentials from this node's environment). */
  readonly openRemote: (settings: RemoteSettings, root: string) => Promise<RemoteBackend>;
  readonly spawn: Spawner;
  /** The scratch folder to make and remove: `$TMPDIR/pipe-job-<job id>`. */
  readonly scratch: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the job's own log goes (the node's output file). */
  readonly print: (text: string) => void;
  readonly jobs: number;
  readonly signal: AbortSignal;
}

/** `$TMPDIR/pipe-job-<SLURM_JOB_ID>` (the pid outside Slurm). */
export function scratchFolder(env: Readonly<Record<string, string | undefined>>, pid: number): string {
  const base = env.TMPDIR !== undefined && env.TMPDIR !== "" ? env.TMPDIR : "/tmp";
  return join(base, `pipe-job-${env.SLURM_JOB_ID ?? `pid${pid}`}`);
}

const toItem = (p: StagedPath, label: string): CheckoutItem => ({
  path: p.path as RelPath,
  digest: p.digest,
  size: p.size,
  label,
  ...(p.nfiles !== undefined ? { nfiles: p.nfiles } : {}),
});

class JobFailure extends Error {}

/** Runs the spec; the result is on the remote when it could be written. Returns the result (ok or not). */
export async function runJob(spec: JobSpec, ctx: JobRunContext): Promise<JobResult> {
  const work = join(ctx.scratch, "work");
  const output = outputKeeper();
  const say = (line: string): void => {
    ctx.print(`${line}\n`);
    output.add(`${line}\n`);
  };
  let remote: RemoteBackend | null = null;
  const result = (ok: boolean, outs: StagedPath[], failure?: string): JobResult => ({
    schema: SPEC_SCHEMA,
    stage: spec.stage,
    ok,
    outs,
    output: output.text(),
    ...(failure !== undefined ? { failure } : {}),
    host: hostname(),
    scratch: ctx.scratch,
  });
  let done: JobResult;
  try {
    await rm(ctx.scratch, { recursive: true, force: true });
    await mkdir(join(work, spec.wdir), { recursive: true });
    remote = await ctx.openRemote(spec.remote, work);
    const hasher = createHasher({ root: work, statePath: join(ctx.scratch, "state.json") });
    const cache = createCache({ root: work, hasher });
    const remoteName = `remote '${spec.remote.name}' (${remote.url})`;

    // The deps, exactly as the driver hashed them.
    const deps = [...spec.deps.map((d) => toItem(d, `${d.path} (dep)`)), ...spec.persist.map((p) => toItem(p, `${p.path} (persist out)`))];
    const fetched = await fetchItems({ cache, remote, items: deps, jobs: ctx.jobs, runCache: false });
    const missing = fetched.objects.problems[0];
    if (missing !== undefined) throw new JobFailure(`could not fetch ${missing.want.label} from ${remoteName}: ${missing.why}`);
    const checkout = await checkoutItems(cache, hasher, deps);
    const bad = checkout.problems[0];
    if (bad !== undefined) throw new JobFailure(`could not check out ${bad.want.label}: ${bad.why}`);
    // The stage adds to a persist out: a private writable copy, as before a local run.
    for (const p of spec.persist) await cache.unprotect(p.path as RelPath);

    // The commands, in the stage's folder of the scratch copy.
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, spec.env, { PIPE_ROOT: work });
    for (const [i, command] of spec.cmd.entries()) {
      const which = spec.cmd.length > 1 ? ` (command ${i + 1} of ${spec.cmd.length})` : "";
      const r = await ctx.spawn({ command, cwd: join(work, spec.wdir), env, signal: ctx.signal, onLine: (_s, line) => say(line) });
      if (r.error !== undefined) throw new JobFailure(`'${command}'${which} could not start: ${r.error}`);
      if (r.signal !== undefined) throw new JobFailure(`'${command}'${which} was killed by ${r.signal}`);
      if (r.exitCode !== 0) throw new JobFailure(`'${command}'${which} exited with code ${r.exitCode ?? "?"}`);
    }

    // The outs: hashed, cached, pushed.
    const outs: StagedPath[] = [];
    for (const path of spec.outs) {
      const info = await hasher.hashPath(path as RelPath);
      if (info === null) throw new JobFailure(`the stage did not make its output ${path}`);
      await cache.save(path as RelPath, info);
      outs.push({ path, digest: info.digest, size: info.size, isDir: info.isDir, ...(info.nfiles !== undefined ? { nfiles: info.nfiles } : {}) });
    }
    const pushed = await pushItems({ cache, remote, items: outs.map((o) => toItem(o, `${o.path} (output)`)), jobs: ctx.jobs, runCache: false });
    const unpushed = pushed.objects.problems[0];
    if (unpushed !== undefined) throw new JobFailure(`could not push ${unpushed.want.label} to ${remoteName}: ${unpushed.why}`);
    done = result(true, outs);
  } catch (e) {
    if (!(e instanceof JobFailure) && !(e instanceof RemoteError)) throw e;
    say(`pipe: ${e.message}`);
    done = result(false, [], e.message);
  }
  try {
    if (remote !== null) {
      const body = Buffer.from(JSON.stringify(done));
      await remote.put(spec.resultKey, () => Readable.from([body]), body.length);
    }
  } finally {
    await remote?.close();
    // Objects in the scratch cache are read-only; their folders are not, so this removes them.
    await rm(ctx.scratch, { recursive: true, force: true });
  }
  return done;
}
