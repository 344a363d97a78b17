// `pipe exp run --run-all -j N` (N > 1): up to N queued experiments at once, each in its own
// workspace (session/workspace-make.ts) sharing the project's cache, each recorded into the
// project's .pipe/exp/ as it finishes; the user's params files and outputs are never touched.
import { rmSync } from "node:fs";
import { relative } from "node:path";
import { checkOverrides, applyOverrides, describeOverrides, DuplicateNameError, linePrefixer } from "../../exp/index.js";
import type { QueuedExperiment, ExpStore } from "../../exp/index.js";
import { mapLimit } from "../../common/limit.js";
import { makeWorkspace, type ExpWorkspace } from "../../session/workspace-make.js";
import { abandonedWorkspaces, claimWorkspace, disownWorkspace } from "../../session/workspace-owners.js";
import { processRunner, recoverStrayJobs, type Project } from "../../index.js";
import { ExitCode, UserError, type CliIO } from "../io.js";
import type { Interrupts } from "../interrupts.js";
import { requireProject } from "../open.js";
import { planOrThrow } from "../repro-once.js";
import { runRepro } from "../run-repro.js";
import type { ReproOptions } from "./repro.js";
import { randomBytes } from "node:crypto";

export interface RunAllRequest {
  readonly root: string;
  readonly store: ExpStore;
  /** Experiments at once. */
  readonly jobs: number;
  /** Each experiment's repro options (`-- ...`, `--executor`). */
  readonly repro: ReproOptions;
  /** Keep each workspace afterwards (its path is printed) instead of removing it. */
  readonly keepWorkspaces: boolean;
}

type Outcome = "success" | "failed" | "interrupted";

/** Runs the queue N at a time; the exit code says whether any experiment failed. */
export async function runAllParallel(req: RunAllRequest, io: CliIO, interrupts: Interrupts): Promise<number> {
  const cmd = "pipe exp run";
  if (req.repro.dry) throw new UserError(`${cmd}: --dry shows one plan at a time: drop -j to see each queued experiment's plan`);
  const project = await requireProject(req.root);
  await collectAbandoned(req, io);
  const queue = await req.store.queued();
  io.stderr(`running ${queue.length} queued experiment${queue.length === 1 ? "" : "s"}, up to ${req.jobs} at once, each in its own workspace\n`);
  const outcomes = await mapLimit(queue, req.jobs, (entry) => runEntry(project, entry, req, io, interrupts));
  const ran = outcomes.filter((o) => o !== null && o !== "interrupted").length;
  const failed = outcomes.filter((o) => o === "failed").length;
  io.stderr(`${ran} queued experiment${ran === 1 ? "" : "s"} run, ${failed} failed\n`);
  if (interrupts.signal.aborted) return ExitCode.interrupted;
  return failed > 0 ? ExitCode.stageFailed : ExitCode.ok;
}

/** One queued experiment, start to end; null when another runner claimed it. Never throws. */
async function runEntry(project: Project, entry: QueuedExperiment, req: RunAllRequest, io: CliIO, interrupts: Interrupts): Promise<Outcome | null> {
  if (interrupts.signal.aborted) return null;
  if (!(await req.store.claim(entry.id))) return null;
  const name = entry.name ?? `exp-${randomBytes(3).toString("hex")}`;
  const out = linePrefixer(`[${name}] `, io.stderr);
  const results = linePrefixer(req.repro.json ? "" : `[${name}] `, io.stdout);
  const prefixed: CliIO = { ...io, stderr: out.write, stdout: results.write, isTTY: false };
  let ws: ExpWorkspace | null = null;
  let wsDir: string | null = null; // known from the folder's creation on, even when filling it fails
  // A hard exit (second Ctrl-C) still removes the workspace and gives the entry back to the queue.
  const removeHook = interrupts.onExit(() => {
    if (wsDir === null) return void req.store.release(entry.id);
    if (!req.keepWorkspaces) rmSync(wsDir, { recursive: true, force: true, maxRetries: 3 });
    disownWorkspace(wsDir);
    req.store.release(entry.id);
  });
  let outcome: Outcome = "failed";
  let runId = "";
  try {
    const t0 = Date.now();
    ws = await makeWorkspace(project, name, {
      onFolder: (dir) => {
        wsDir = dir;
        claimWorkspace(dir, entry.id, name);
      },
    });
    out.write(
      `workspace ${relative(io.cwd, ws.dir) || "."} (${ws.copied} files from ${ws.source === "git" ? "git" : "the project folder"}): ${describeOverrides(entry.overrides) || "(no overrides)"}\n`,
    );
    const checked = checkOverrides(ws.dir, entry.overrides);
    if (!checked.ok) throw new UserError(checked.error);
    applyOverrides(ws.dir, entry.overrides);
    if (interrupts.signal.aborted) {
      outcome = "interrupted";
      return outcome;
    }
    const wsProject = await requireProject(ws.dir);
    const plan = planOrThrow(wsProject, req.repro);
    const { code, result } = await runRepro(wsProject, plan, req.repro, prefixed, interrupts, { name, overrides: entry.overrides });
    runId = result.runId;
    if (result.run.interrupted) {
      outcome = "interrupted";
      return outcome;
    }
    outcome = code === ExitCode.ok ? "success" : "failed";
    const recorded = result.experiment?.ok === true ? await addRecord(req.store, result.experiment.value) : "no record";
    const c = result.run.counts;
    out.write(
      `${outcome === "success" ? "done" : "FAILED"}: ${c.ran} ran, ${c.restored} restored, ${c.failed} failed in ${((Date.now() - t0) / 1000).toFixed(1)}s; ${recorded}\n`,
    );
    return outcome;
  } catch (e) {
    // A bad workspace, params file or pipeline, even a bug, fails this experiment only.
    const message = e instanceof UserError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    out.write(`FAILED: ${message}\n`);
    return outcome;
  } finally {
    out.flush();
    results.flush();
    if (outcome === "interrupted") req.store.release(entry.id);
    else await req.store.done(entry.id);
    if (ws !== null && req.keepWorkspaces) io.stderr(`[${name}] workspace kept: ${ws.dir}\n`);
    else if (ws !== null) await ws.remove();
    if (wsDir !== null) disownWorkspace(wsDir); // (makeWorkspace removed a folder it could not fill)
    removeHook();
    if (req.repro.json) io.stdout(`${JSON.stringify({ time: new Date().toISOString(), type: "experiment", name, runId, status: outcome })}\n`);
  }
}

/**
 * Workspaces a killed pipe left (its owner dead): their Slurm jobs dealt with as a repro would
 * (cancelled or waited for), then removed, and their queued entries put back in the queue.
 */
async function collectAbandoned(req: RunAllRequest, io: CliIO): Promise<void> {
  for (const { dir, owner } of abandonedWorkspaces(req.root)) {
    const say = (line: string): void => io.stderr(`[${owner.name}] ${line}\n`);
    const stray = await recoverStrayJobs({ root: dir, runner: processRunner, say });
    if (stray !== null) {
      say(`warning: workspace ${dir} kept: ${stray}`);
      continue;
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    disownWorkspace(dir);
    const again = req.store.release(owner.entry) ? "; queued again" : "";
    say(`removed the workspace a killed pipe left (pid ${owner.holder.pid})${again}`);
  }
}

/** The workspace's record goes into the project's store (the workspace and its own .pipe/ go away). */
async function addRecord(store: ExpStore, record: Parameters<ExpStore["add"]>[0]): Promise<string> {
  try {
    await store.add(record);
    return `recorded as ${record.name}`;
  } catch (e) {
    if (e instanceof DuplicateNameError) return `not recorded: ${e.message}`;
    return `not recorded: ${e instanceof Error ? e.message : String(e)}`;
  }
}
