// A worker thread of the logistic-regression objective (logreg-objective.ts): it owns one range of
// rows and one range of features and runs the kernels on them each time the main thread starts a
// phase, in shared memory, signalling through a small Int32Array of counters.
import type { MessagePort } from "node:worker_threads";
import { featureGradient, rowResiduals } from "./logreg-kernel.js";
import type { Csr } from "#model-contract/csr.js";

/** Slots of the control array. */
export const CONTROL = {
  /** Bumped by the main thread to start a phase. */
  generation: 0,
  phase: 1,
  /** Workers finished with the current phase. */
  done: 2,
  /** Set by a worker that failed (its message is on its port). */
  failed: 3,
} as const;
export const CONTROL_SLOTS = 4;

/** What the workers do next: row residuals and losses, then feature gradients (which read every row's residuals), or stop. */
export const PHASE = { rows: 1, features: 2, exit: 3 } as const;
export type Phase = (typeof PHASE)[keyof typeof PHASE];

export interface WorkerData {
  readonly x: Csr;
  readonly xt: Csr;
  readonly y: Int32Array;
  readonly k: number;
  readonly invN: number;
  readonly lambda: number;
  readonly rows: readonly [number, number];
  readonly cols: readonly [number, number];
  readonly params: Float64Array;
  readonly resid: Float64Array;
  readonly rowLoss: Float64Array;
  readonly grad: Float64Array;
  readonly sq: Float64Array;
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** The worker's loop: wait for a phase, run it on this worker's range, count it done. */
export function serve(w: WorkerData): void {
  const control = new Int32Array(w.control);
  let seen = 0;
  for (;;) {
    Atomics.wait(control, CONTROL.generation, seen);
    seen = Atomics.load(control, CONTROL.generation);
    const phase = Atomics.load(control, CONTROL.phase) as Phase;
    if (phase === PHASE.exit) return;
    if (phase === PHASE.rows) rowResiduals(w.x, w.y, w.k, w.params, w.rows[0], w.rows[1], w.resid, w.rowLoss);
    else featureGradient(w.xt, w.k, w.resid, w.params, w.invN, w.lambda, w.cols[0], w.cols[1], w.grad, w.sq);
    Atomics.add(control, CONTROL.done, 1);
    Atomics.notify(control, CONTROL.done);
  }
}
