// The training objective of logistic regression, evaluated on this thread alone or split with worker
// threads over shared memory. Either way every number is summed in one fixed order (see
// logreg-kernel.ts), so the fit is the same, bit for bit, whatever the thread count.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { featureGradient, rowResiduals } from "./logreg-kernel.js";
import type { Objective } from "./logreg-lbfgs.js";
import { CONTROL, CONTROL_SLOTS, PHASE, type Phase, type WorkerData } from "./logreg-worker.js";
import type { Csr } from "#model-contract/csr.js";
import { csrTranspose } from "./sparse.js";

export interface Evaluator {
  readonly fg: Objective;
  /** Stops the worker threads (a no-op on one thread). */
  close(): void;
}

/** Below this many multiply-adds per pass (non-zeros × classes), threads cost more than they save. */
const PARALLEL_MIN_WORK = 4_000_000;

/** The default thread count's cap: the passes are memory-bound, and each worker starts its own tsx. */
const MAX_THREADS = 8;

/** How long the main thread waits for a worker's phase before giving up. */
const PHASE_TIMEOUT_MS = 10 * 60_000;

/** `parts` + 1 boundaries splitting [0, ptr.length - 1) into parts of about equal non-zeros. */
export function splitByNonZeros(ptr: Int32Array, parts: number): Int32Array {
  const n = ptr.length - 1;
  const total = ptr[n] as number;
  const cuts = new Int32Array(parts + 1);
  let i = 0;
  for (let t = 1; t < parts; t++) {
    const target = (total * t) / parts;
    while (i < n && (ptr[i] as number) < target) i++;
    cuts[t] = i;
  }
  cuts[parts] = n;
  return cuts;
}

/** A typed array's copy in a SharedArrayBuffer, readable by workers. */
function shared<T extends Int32Array | Float32Array | Float64Array>(a: T): T {
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

function sharedCsr(m: Csr): Csr {
  return { nRows: m.nRows, nCols: m.nCols, indptr: shared(m.indptr), indices: shared(m.indices), data: shared(m.data) };
}

/** Per-pass buffers: residuals [n × k], row losses, each feature's ||W_j||². */
interface Scratch {
  readonly resid: Float64Array;
  readonly rowLoss: Float64Array;
  readonly sq: Float64Array;
}

/** Sums the per-row and per-feature parts into the objective, in index order; writes the bias gradient. */
function finish(s: Scratch, grad: Float64Array, d: number, k: number, C: number): number {
  const n = s.rowLoss.length;
  let loss = 0;
  for (let i = 0; i < n; i++) loss += s.rowLoss[i] as number;
  let sq = 0;
  for (let j = 0; j < d; j++) sq += s.sq[j] as number;
  const gb = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) gb[c] = (gb[c] as number) + (s.resid[i * k + c] as number);
  }
  for (let c = 0; c < k; c++) grad[d * k + c] = (gb[c] as number) / n;
  return loss / n + (0.5 / (C * n)) * sq;
}

/**
 * The URL of tsx's ESM API, found through its package.json: require.resolve would give its CommonJS
 * build, and import.meta.resolve is missing under vitest and in CommonJS callers.
 */
function tsxEsmApi(): string {
  const pkgFile = createRequire(import.meta.url).resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8")) as { exports: Record<string, { import: { default: string } }> };
  const entry = pkg.exports["./esm/api"]?.import.default;
  if (entry === undefined) throw new Error(`${pkgFile}: no "./esm/api" export`);
  return pathToFileURL(join(dirname(pkgFile), entry)).href;
}

/**
 * The script a worker thread starts with: it loads logreg-worker.ts and serves, or reports why not.
 * The stages run as TypeScript under tsx, whose loader registers itself on the main thread only
 * (Node 20), so the worker registers it first.
 */
function workerSource(): string {
  const file = new URL("./logreg-worker.ts", import.meta.url).href;
  const api = tsxEsmApi();
  return `const { workerData } = require("node:worker_threads");
import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}); }).then((m) => m.serve(workerData)).catch((e) => {
  workerData.port.postMessage(String((e && e.stack) || e));
  const control = new Int32Array(workerData.control);
  Atomics.store(control, ${CONTROL.failed}, 1);
  Atomics.add(control, ${CONTROL.done}, 1);
  Atomics.notify(control, ${CONTROL.done});
});`;
}

/**
 * The objective (1/n)·Σ -log p(y_i | x_i) + (0.5/(C·n))·||W||² of `lossAndGrad` (logreg.ts) for
 * one problem, on `threads` threads (default: one per core up to MAX_THREADS, one for small problems).
 * `xt` is x's transpose, when the caller already has it.
 */
export function makeEvaluator(x: Csr, y: Int32Array, k: number, C: number, threads?: number, xt: Csr = csrTranspose(x)): Evaluator {
  const n = x.nRows;
  const d = x.nCols;
  const invN = 1 / n;
  const lambda = 1 / (C * n);
  const t = Math.max(1, Math.min(threads ?? (x.indices.length * k < PARALLEL_MIN_WORK ? 1 : Math.min(availableParallelism(), MAX_THREADS)), n));
  const alloc = (len: number): Float64Array => new Float64Array(t === 1 ? new ArrayBuffer(len * 8) : new SharedArrayBuffer(len * 8));
  const s: Scratch = { resid: alloc(n * k), rowLoss: alloc(n), sq: alloc(d) };
  if (t === 1) {
    const fg: Objective = (params, grad) => {
      rowResiduals(x, y, k, params, 0, n, s.resid, s.rowLoss);
      featureGradient(xt, k, s.resid, params, invN, lambda, 0, d, grad, s.sq);
      return finish(s, grad, d, k, C);
    };
    return { fg, close: () => undefined };
  }

  const xs = sharedCsr(x);
  const xts = sharedCsr(xt);
  const ys = shared(y);
  const params = alloc(d * k + k);
  const grad = alloc(d * k + k);
  const rows = splitByNonZeros(xs.indptr, t);
  const cols = splitByNonZeros(xts.indptr, t);
  const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS));
  const channels: MessageChannel[] = [];
  const workers: Worker[] = [];
  const source = workerSource();
  for (let w = 1; w < t; w++) {
    const ch = new MessageChannel();
    channels.push(ch);
    const data: WorkerData = {
      x: xs,
      xt: xts,
      y: ys,
      k,
      invN,
      lambda,
      rows: [rows[w] as number, rows[w + 1] as number],
      cols: [cols[w] as number, cols[w + 1] as number],
      params,
      grad,
      ...s,
      control: control.buffer,
      port: ch.port2,
    };
    workers.push(new Worker(source, { eval: true, workerData: data, transferList: [ch.port2] }));
  }

  /** Starts a phase on the workers, runs part 0 here, waits for the rest. */
  const run = (phase: Phase, mine: () => void): void => {
    Atomics.store(control, CONTROL.done, 0);
    Atomics.store(control, CONTROL.phase, phase);
    Atomics.add(control, CONTROL.generation, 1);
    Atomics.notify(control, CONTROL.generation);
    mine();
    // A worker that failed (maybe before this phase began) sets `failed`, then counts itself done.
    for (;;) {
      const done = Atomics.load(control, CONTROL.done);
      if (done >= workers.length || Atomics.load(control, CONTROL.failed) !== 0) break;
      if (Atomics.wait(control, CONTROL.done, done, PHASE_TIMEOUT_MS) === "timed-out")
        throw new Error("logistic regression: a worker thread stopped answering");
    }
    if (Atomics.load(control, CONTROL.failed) !== 0) {
      const why = channels.map((c) => receiveMessageOnPort(c.port1)?.message as string | undefined).find((m) => m !== undefined);
      throw new Error(`logistic regression worker failed: ${why ?? "unknown error"}`);
    }
  };
  const fg: Objective = (p, g) => {
    params.set(p);
    run(PHASE.rows, () => rowResiduals(xs, ys, k, params, 0, rows[1] as number, s.resid, s.rowLoss));
    run(PHASE.features, () => featureGradient(xts, k, s.resid, params, invN, lambda, 0, cols[1] as number, grad, s.sq));
    g.set(grad);
    return finish(s, g, d, k, C);
  };
  const close = (): void => {
    Atomics.store(control, CONTROL.phase, PHASE.exit);
    Atomics.add(control, CONTROL.generation, 1);
    Atomics.notify(control, CONTROL.generation);
    for (const w of workers) void w.terminate();
    for (const c of channels) c.port1.close();
  };
  return { fg, close };
}
