// `pipe repro --watch`: run, then watch every dep of the targeted stages (plus pipeline and params
// files), debounce bursts of changes, and re-run what became stale; never two runs at once.
import { join } from "node:path";
import { ancestors, globBase, loadPicomatch } from "../graph/paths.js";
import type { Plan, Project } from "../index.js";
import { ExitCode, UserError, type CliIO } from "./io.js";
import { catchInterrupts } from "./interrupts.js";
import { requireProject } from "./open.js";
import { planOrThrow } from "./repro-once.js";
import { runRepro } from "./run-repro.js";
import type { ReproOptions } from "./commands/repro.js";

const DEBOUNCE_MS = 300;

interface WatchSet {
  readonly paths: string[];
  readonly relevant: (rel: string) => boolean;
}

/** Inputs of the planned stages that no planned stage writes, and the files that define them. */
function watchSet(project: Project, plan: Plan): WatchSet {
  const produced = new Set<string>();
  for (const name of plan.stages) for (const o of project.graph.stage(name).outs) produced.add(o.path);
  const isProduced = (p: string): boolean => produced.has(p) || ancestors(p).some((a) => produced.has(a));
  const paths = new Set<string>(project.pipelines.length > 0 ? project.pipelines : [project.pipeline.file]);
  const globs: ((p: string) => boolean)[] = [];
  for (const name of plan.stages) {
    const stage = project.graph.stage(name);
    for (const p of stage.params) paths.add(p.file);
    for (const d of stage.deps) {
      if (d.glob) {
        paths.add(globBase(d.path) || ".");
        globs.push(loadPicomatch()(d.path, { dot: true }));
      } else if (!isProduced(d.path)) {
        paths.add(d.path);
      }
    }
  }
  const plain = [...paths];
  return {
    paths: plain.map((p) => join(project.root, p)),
    relevant: (rel) => !isProduced(rel) && (plain.some((p) => rel === p || rel.startsWith(`${p}/`)) ? true : globs.some((g) => g(rel))),
  };
}

export async function watchRepro(opts: ReproOptions, io: CliIO): Promise<number> {
  const chokidar = await import("chokidar");
  let running = false;
  let again = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let watcher: ReturnType<typeof chokidar.watch> | undefined;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (finish = resolve));
  // The first Ctrl-C stops a running session and the watch; a second exits at once.
  const interrupts = catchInterrupts(io, "interrupt: stopping the watch (Ctrl-C again to exit at once)");

  const runOnce = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      // Re-read every time: pipeline.yaml and params.yaml are watched too.
      const project = await requireProject(io.cwd);
      const plan = planOrThrow(project, opts, io.cwd);
      await runRepro(project, plan, opts, io, interrupts);
      if (!interrupts.signal.aborted) await rewatch(project, plan);
    } catch (e) {
      // A bad edit of pipeline.yaml is reported, and the watch goes on until it is fixed.
      io.stderr(`${e instanceof UserError ? e.message : String(e)}\n`);
    } finally {
      running = false;
    }
    if (stopping) finish(ExitCode.ok);
    else if (again) {
      again = false;
      void runOnce();
    } else io.stderr("watching for changes (Ctrl-C to stop)\n");
  };

  let relevant: (rel: string) => boolean = () => true;
  const rewatch = async (project: Project, plan: Plan): Promise<void> => {
    const set = watchSet(project, plan);
    relevant = set.relevant;
    await watcher?.close();
    const root = project.root;
    watcher = chokidar.watch(set.paths, { ignoreInitial: true, ignored: (p: string) => p.includes("/.cache/") || p.includes("/.git/") });
    watcher.on("all", (_event: string, abs: string) => {
      const rel = abs.startsWith(root) ? abs.slice(root.length + 1) : abs;
      if (!relevant(rel)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void runOnce(), DEBOUNCE_MS);
    });
  };

  interrupts.signal.addEventListener("abort", () => {
    stopping = true;
    clearTimeout(timer);
    void watcher?.close();
    if (!running) finish(ExitCode.ok);
  });
  try {
    await runOnce();
    const code = await done;
    await watcher?.close();
    return code;
  } finally {
    interrupts.dispose();
  }
}
