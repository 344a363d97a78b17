// Where does a no-op `pipe repro` spend its time? Runs the same steps as `pipe repro` by importing
// the compiled modules directly (dist/engine/src), timing each phase in one fresh process:
//
//   node bench/engine/profile-noop.mjs <project dir>     (a project already reproduced once)
//
// Prints one JSON object: milliseconds per phase. Node's own startup is not visible from inside;
// run.mjs measures it as the wall time of `node -e 0`.
import { performance } from "node:perf_hooks";
import { existsSync, promises as fsp } from "node:fs";
import { join, resolve } from "node:path";

const t0 = performance.now();
const root = resolve(process.argv[2] ?? ".");
const dist = new URL("../../dist/engine/src/", import.meta.url);
const mod = (p) => import(new URL(p, dist).href);
const ms = {};
let last = performance.now();
const lap = (name) => {
  const now = performance.now();
  ms[name] = +(now - last).toFixed(1);
  last = now;
};

// 1. Module loading, in the order `pipe repro` pulls them in.
await import("yaml");
lap("import yaml");
const hashing = await mod("hashing/index.js"); // includes xxhash-wasm compile + instantiate
lap("import hashing (xxhash-wasm)");
const config = await mod("config/index.js");
const graphMod = await mod("graph/index.js");
const planMod = await mod("plan/index.js");
const lockMod = await mod("lock/index.js");
lap("import config, graph, plan, lock");
const exec = await mod("exec/index.js");
const { createLockStore } = await mod("exec/lock-store.js");
const { createCache } = await mod("cache/index.js");
await mod("report/index.js");
await mod("index.js");
await mod("cli/main.js");
await mod("cli/commands/repro.js");
lap("import exec, cache, report, session, cli");

// 2. pipeline.yaml: read + YAML parse + validate.
const loaded = config.loadPipeline(root);
if (!loaded.ok) throw new Error(`loadPipeline failed: ${JSON.stringify(loaded.error[0])}`);
const pipeline = loaded.value;
lap("loadPipeline (read+parse+validate pipeline.yaml)");

// 3. Graph build (includes existsSync of every dep no stage produces).
let existsCalls = 0;
const built = graphMod.buildGraph(pipeline, {
  exists: (p) => {
    existsCalls++;
    return existsSync(join(root, p));
  },
});
if (!built.ok) throw new Error("buildGraph failed");
lap("buildGraph");

const plan = planMod.planRun(built.value, {
  targets: [],
  force: false,
  singleItem: false,
  downstream: false,
  jobs: 2,
  policy: "fail-fast",
  useRunCache: true,
});
lap("planRun");

// 4. pipeline.lock: read + YAML parse + validate.
const lock = await lockMod.readLock(root);
if (!lock.ok) throw new Error("readLock failed");
lap("readLock (read+parse pipeline.lock)");

// 5. Stat cache (.cache/state.json): read + JSON.parse, the hasher's first await.
const { loadStatCache } = await mod("hashing/state.js");
await loadStatCache(hashing.nodeHashFs, join(root, ".cache", "state.json"));
lap("load stat cache (state.json)");

// 6. The executor over the plan: per stage observe (stat every dep and out) + decide.
const hasher = hashing.createHasher({ root, statePath: join(root, ".cache", "state.json") });
let stats = 0;
const countingFs = { ...hashing.nodeHashFs, stat: (a) => (stats++, hashing.nodeHashFs.stat(a)) };
const hasher2 = hashing.createHasher({ root, statePath: join(root, ".cache", "state.json"), fs: countingFs });
await hasher.hashPath("pipeline.yaml"); // forces the state load outside the timed phase
lap("(state load again, inside the hasher)");
const events = { plan: 0, done: 0 };
const ctx = {
  root,
  hasher: hasher2,
  cache: createCache({ root, hasher: hasher2 }),
  lock: createLockStore(root, lock.value),
  fs: { remove: async () => {}, mkdirp: async () => {} },
  executor: {
    name: "none",
    run: async () => {
      throw new Error("a no-op run must run nothing");
    },
  },
  now: Date.now,
  env: process.env,
  emit: (e) => {
    if (e.type === "stage-done") events.done++;
  },
  signal: new AbortController().signal,
};
const result = await exec.runPlan(plan, ctx);
lap("runPlan (observe: stat deps+outs, decide)");
await hasher2.flush();
lap("hasher.flush");

// Baselines: what the stats alone cost, and the scheduler alone (every stage answered at once).
const paths = new Set();
for (const s of pipeline.stages) for (const p of [...s.deps, ...s.outs]) paths.add(join(root, p.path));
const list = [...paths];
let i = 0;
await Promise.all(
  Array.from({ length: 64 }, async () => {
    while (i < list.length) await fsp.stat(list[i++]);
  }),
);
lap(`baseline: ${list.length} fs.promises.stat, 64 at once`);
const t1 = performance.now();
{
  // Scheduler-only: same loop as runPlan, with plannedUpstream, stages resolving immediately.
  const outcomes = new Map();
  const pending = [...plan.stages];
  const running = new Map();
  while (pending.length > 0 || running.size > 0) {
    for (let k = 0; k < pending.length && running.size < plan.jobs;) {
      const name = pending[k];
      const ups = planMod.plannedUpstream(plan, name);
      if (ups.every((u) => outcomes.has(u))) {
        pending.splice(k, 1);
        const task = Promise.resolve()
          .then(() => outcomes.set(name, "fresh"))
          .finally(() => running.delete(name));
        running.set(name, task);
        continue;
      }
      k++;
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
}
ms["baseline: runPlan scheduler loop alone (no I/O)"] = +(performance.now() - t1).toFixed(1);

ms["total inside node (excl. node startup)"] = +(performance.now() - t0).toFixed(1);
process.stdout.write(
  JSON.stringify({
    ms,
    counts: { stages: pipeline.stages.length, existsCalls, statCalls: stats, distinctPaths: list.length, fresh: result.counts.fresh, ran: result.counts.ran },
  }) + "\n",
);
