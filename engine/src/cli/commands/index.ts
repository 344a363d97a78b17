// The command table: each subcommand lives in its own module, loaded only when it is called,
// so `pipe repro` never pays for the code of `pipe plots`.
import type { Command } from "../io.js";

type Loader = () => Promise<Command>;

/** `internal`: run by pipe itself (a Slurm job's `job-run`), left out of `pipe --help`. */
export const commands: Readonly<Record<string, { summary: string; load: Loader; internal?: true }>> = {
  repro: { summary: "run the stale stages of the pipeline", load: async () => (await import("./repro.js")).repro },
  status: {
    summary: "show which stages and tracked data are stale, and why (--cloud: against a remote)",
    load: async () => (await import("./status.js")).status,
  },
  dag: { summary: "print the stage graph (ascii, --mermaid, --dot, --json)", load: async () => (await import("./dag.js")).dag },
  checkout: { summary: "restore outputs recorded in pipeline.lock from the cache", load: async () => (await import("./checkout.js")).checkout },
  gc: { summary: "remove cache objects the lock does not reference", load: async () => (await import("./gc.js")).gc },
  cache: { summary: "check the cache (verify [--repair])", load: async () => (await import("./cache.js")).cache },
  metrics: { summary: "show or diff metrics (show, diff)", load: async () => (await import("./metrics.js")).metrics },
  params: { summary: "diff the params that stages declare (diff)", load: async () => (await import("./params.js")).params },
  plots: { summary: "render plots to one HTML report (show, diff)", load: async () => (await import("./plots.js")).plots },
  add: { summary: "track data no stage produces (writes PATH.dvc, caches PATH)", load: async () => (await import("./add.js")).add },
  remote: { summary: "configure remotes (add, list, remove, default, modify)", load: async () => (await import("./remote.js")).remote },
  push: { summary: "upload cached outputs and tracked data to a remote", load: async () => (await import("./transfer.js")).push },
  pull: { summary: "download outputs and tracked data from a remote, then check them out", load: async () => (await import("./transfer.js")).pull },
  fetch: { summary: "download outputs and tracked data from a remote into the cache only", load: async () => (await import("./transfer.js")).fetch },
  exp: { summary: "run, list, compare, apply and share experiments (run, show, diff, apply, push, pull)", load: async () => (await import("./exp.js")).exp },
  "job-run": {
    summary: "run one Slurm stage on a node without the shared file system",
    load: async () => (await import("./job-run.js")).jobRun,
    internal: true,
  },
  ui: { summary: "serve a local web app: experiments, plots, the pipeline, live runs", load: async () => (await import("./ui.js")).ui },
};
