// The CLI's half of a repro, shared by `repro`, `repro --watch` and `exp run`: build the sinks
// (terminal or --json, plus per-stage logs with --log-dir), call the session, render what came
// back (another repro holding the project, the experiment warning), and map it to an exit code.
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import type { ExecutorName } from "../exec/index.js";
import { RemoteError, type RemoteBackend, type RemoteSettings } from "../remote/backends/backend.js";
import { requireRemote } from "./open-remote.js";
import { describeHolder } from "../files/holder.js";
import { emitTo, newRunId } from "../events/index.js";
import {
  fanOut,
  loadExecutorSettings,
  processRunner,
  recoverStrayJobs,
  runSession,
  slurmExecutor,
  type EventSink,
  type ExecutorSettings,
  type StageExecutor,
  type ExperimentSpec,
  type Plan,
  type Project,
  type SessionResult,
} from "../index.js";
import { stageLogSink } from "../report/index.js";
import { ExitCode, UserError, type CliIO } from "./io.js";
import type { Interrupts } from "./interrupts.js";
import { requireStores, storesError } from "./open.js";
import { pullMissingTracked } from "../session/transfer.js";
import { makeReporter } from "./reporter.js";
import { openStagedRemote, stagedExecutor } from "../session/slurm-staged.js";

/** How a node starts this pipe by default: the same node binary and bin/pipe.js paths as here. */
const pipeOnNode = (): string[] => [process.execPath, process.argv[1] ?? "pipe"];

/** `slurm_shared_fs = false`: the remote the jobs go through, opened before anything is submitted (else one UserError). */
async function stagedRemote(
  root: string,
  settings: ExecutorSettings,
  render: ReproRender,
  io: CliIO,
): Promise<{ opened: { backend: RemoteBackend }; node: RemoteSettings }> {
  const r = await openStagedRemote(root, settings.staged.remote ?? render.remote, io.env);
  if (!r.ok) throw new UserError(`pipe repro: ${r.error}`, r.exitCode);
  for (const w of r.opened.warnings) io.stderr(`warning: ${w}\n`);
  return r;
}

export interface ReproRender {
  readonly json: boolean;
  /** Also keep each stage's output in `<dir>/<stage>.log`. */
  readonly logDir?: string;
  /** The no-target scope the plan answers (kept in the up-to-date stamp). */
  readonly scope?: string;
  /** `--pull`: consult this remote's run cache (the default remote when `remote` is unset). */
  readonly pull?: boolean;
  readonly remote?: string;
  /** `--executor`; absent: `.pipe/config`'s `executor`, else local. */
  readonly executor?: ExecutorName;
}

/** The executor settings (`--executor`, `.pipe/config`), or a UserError naming the bad line. */
export function executorSettings(root: string, cli: ExecutorName | undefined): ExecutorSettings {
  const settings = loadExecutorSettings(root, cli);
  if (!settings.ok) throw new UserError(`pipe repro: ${settings.error}`);
  return settings.value;
}

/** Runs the session; returns its result and exit code, or throws UserError (busy, bad lock). */
export async function runRepro(
  project: Project,
  plan: Plan,
  render: ReproRender,
  io: CliIO,
  interrupts: Interrupts,
  experiment?: ExperimentSpec,
): Promise<{ readonly code: number; readonly result: SessionResult }> {
  const settings = executorSettings(project.root, render.executor);
  // Jobs a killed pipe left on the cluster are dealt with before anything runs (local or slurm).
  const stray = await recoverStrayJobs({ root: project.root, runner: processRunner, say: (line) => io.stderr(`${line}\n`) });
  if (stray !== null) throw new UserError(stray, ExitCode.stageFailed);
  const shared = render.pull === true ? await requireRemote("pipe repro --pull", project.root, render.remote, io) : null;
  if (shared !== null) {
    // Data the stages read that no stage makes (`pipe add`'s) comes from the remote too.
    const got = await pullMissingTracked(project.root, await requireStores(project), shared.backend, 4 * availableParallelism());
    for (const p of [...got.fetchProblems, ...got.problems]) io.stderr(`warning: ${p.want.label}: ${p.why}\n`);
    for (const r of got.restored) io.stderr(`restored ${r} from remote '${shared.name}'\n`);
  }
  // No shared file system: the jobs' remote is opened (or the run stopped, one line) before anything is submitted.
  const staged = settings.executor === "slurm" && !settings.staged.sharedFs ? await stagedRemote(project.root, settings, render, io) : null;
  const reporter = makeReporter(io, render.json);
  const sinks: EventSink[] = [reporter.emit];
  if (render.logDir !== undefined) sinks.push(stageLogSink(resolve(io.cwd, render.logDir)));
  const runId = newRunId();
  const slurm = { root: project.root, runId, resourcesFor: settings.resourcesFor, runner: processRunner, emit: emitTo(runId, fanOut(...sinks)) };
  const executor: StageExecutor | null =
    staged !== null
      ? stagedExecutor({
          ...slurm,
          remote: staged.opened.backend,
          nodeRemote: staged.node,
          pipe: settings.staged.pipe ?? pipeOnNode(),
          jobs: 4 * availableParallelism(),
        })
      : settings.executor === "slurm"
        ? slurmExecutor(slurm)
        : null;
  try {
    const session = await runSession({
      runId,
      ...(executor !== null ? { executor } : {}),
      project,
      plan,
      sink: fanOut(...sinks),
      signal: interrupts.signal,
      env: io.env,
      ...(render.scope !== undefined ? { scope: render.scope } : {}),
      ...(experiment !== undefined ? { experiment } : {}),
      ...(shared !== null ? { sharedRuns: { name: shared.name, backend: shared.backend, jobs: 4 * availableParallelism() } } : {}),
    });
    if (!session.ok) {
      const e = session.error;
      if (e.kind === "bad-lock") throw storesError(e);
      const who = e.holder === null ? "holder unknown" : describeHolder(e.holder);
      const hint =
        e.liveness === "elsewhere"
          ? `; it runs on another host, which pipe cannot check from here: if it has stopped, delete ${e.path}`
          : "; wait for it or stop it";
      throw new UserError(`pipe repro: another pipe repro (${who}) is running in this project (${e.path})${hint}`, ExitCode.stageFailed);
    }
    const result = session.value;
    if (result.experiment !== undefined && !result.experiment.ok) io.stderr(`warning: could not record the experiment: ${result.experiment.error}\n`);
    const code = result.run.interrupted ? ExitCode.interrupted : result.run.failed ? ExitCode.stageFailed : ExitCode.ok;
    return { code, result };
  } catch (e) {
    if (e instanceof RemoteError) throw new UserError(`pipe repro --pull: ${e.message}`, ExitCode.stageFailed);
    throw e;
  } finally {
    reporter.close();
    if (shared !== null) await shared.backend.close();
    if (staged !== null) await staged.opened.backend.close();
  }
}
