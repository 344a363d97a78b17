// Dynamic batching: papers from requests that arrive together go to the model in one call. A batch
// closes when it holds `maxBatch` papers or `windowMs` after its first paper; while the model runs,
// new papers queue and form the next batch, so batches grow with load instead of requests waiting.

export interface BatcherOptions {
  /** Most papers per model call; 1 disables batching. */
  readonly maxBatch: number;
  /** How long the first paper of a batch waits for company; 0 waits only for the requests already
   * read in the same event-loop turn. */
  readonly windowMs: number;
  /** A request not answered this long after it was submitted fails with TimeoutError. */
  readonly timeoutMs: number;
  /** Papers allowed to wait; beyond that, submit fails at once with OverloadedError. */
  readonly maxQueue: number;
}

export const DEFAULT_BATCHER: BatcherOptions = { maxBatch: 32, windowMs: 2, timeoutMs: 10_000, maxQueue: 4096 };

export class TimeoutError extends Error {
  override name = "TimeoutError";
}
export class OverloadedError extends Error {
  override name = "OverloadedError";
}

export interface BatcherHooks {
  /** After each model call: papers in it, its duration, and whether it failed. */
  onBatch?(size: number, ms: number, failed: boolean): void;
}

interface Job<I, O> {
  readonly items: readonly I[];
  readonly results: (O | undefined)[];
  remaining: number;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve(out: O[]): void;
  reject(err: Error): void;
}

interface Slot<I, O> {
  readonly job: Job<I, O>;
  readonly index: number;
}

export class DynamicBatcher<I, O> {
  private queue: Slot<I, O>[] = [];
  private running = false;
  private windowTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly opts: BatcherOptions = DEFAULT_BATCHER,
    private readonly hooks: BatcherHooks = {},
  ) {
    if (!(opts.maxBatch >= 1)) throw new RangeError("maxBatch must be at least 1");
  }

  /** Papers waiting for a model call. */
  get queued(): number {
    return this.queue.length;
  }

  /** Resolves with one result per item, in order; rejects with TimeoutError, OverloadedError, or
   * the model's error. */
  submit(items: readonly I[]): Promise<O[]> {
    if (items.length === 0) return Promise.resolve([]);
    if (this.queue.length + items.length > this.opts.maxQueue) {
      return Promise.reject(new OverloadedError(`the model queue is full (${this.queue.length} papers waiting)`));
    }
    return new Promise<O[]>((resolve, reject) => {
      const job: Job<I, O> = {
        items,
        results: new Array<O | undefined>(items.length),
        remaining: items.length,
        settled: false,
        timer: undefined,
        resolve,
        reject,
      };
      job.timer = setTimeout(() => this.fail(job, new TimeoutError(`the model did not answer within ${this.opts.timeoutMs} ms`)), this.opts.timeoutMs);
      for (let i = 0; i < items.length; i++) this.queue.push({ job, index: i });
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or running (for shutdown). */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private fail(job: Job<I, O>, err: Error): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    // Drop its papers that have not reached the model yet.
    this.queue = this.queue.filter((s) => s.job !== job);
    job.reject(err);
    this.notifyIdle();
  }

  private schedule(): void {
    if (this.running) return;
    if (this.queue.length >= this.opts.maxBatch || (this.opts.windowMs <= 0 && this.opts.maxBatch === 1)) {
      this.flush();
    } else if (this.windowTimer === undefined) {
      this.windowTimer = this.opts.windowMs <= 0 ? setImmediate(() => this.flush()) : setTimeout(() => this.flush(), this.opts.windowMs);
    }
  }

  private flush(): void {
    if (this.windowTimer !== undefined) {
      clearTimeout(this.windowTimer as NodeJS.Timeout);
      clearImmediate(this.windowTimer as NodeJS.Immediate);
    }
    this.windowTimer = undefined;
    if (this.running) return;
    const batch = this.queue.splice(0, this.opts.maxBatch);
    if (batch.length === 0) {
      this.notifyIdle();
      return;
    }
    this.running = true;
    const start = performance.now();
    let call: Promise<O[]>;
    try {
      call = this.run(batch.map((s) => s.job.items[s.index] as I));
    } catch (err) {
      call = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    call.then(
      (outs) => {
        this.hooks.onBatch?.(batch.length, performance.now() - start, false);
        if (outs.length !== batch.length) {
          this.finishFailed(batch, new Error(`the model returned ${outs.length} results for ${batch.length} papers`));
          return;
        }
        batch.forEach((slot, k) => {
          const job = slot.job;
          if (job.settled) return;
          job.results[slot.index] = outs[k];
          if (--job.remaining === 0) {
            job.settled = true;
            clearTimeout(job.timer);
            job.resolve(job.results as O[]);
          }
        });
        this.afterRun();
      },
      (err: unknown) => {
        this.hooks.onBatch?.(batch.length, performance.now() - start, true);
        this.finishFailed(batch, err instanceof Error ? err : new Error(String(err)));
      },
    );
  }

  private finishFailed(batch: readonly Slot<I, O>[], err: Error): void {
    for (const job of new Set(batch.map((s) => s.job))) this.fail(job, err);
    this.afterRun();
  }

  private afterRun(): void {
    this.running = false;
    // Papers that queued during the call go next, without waiting for a window.
    if (this.queue.length > 0) this.flush();
    else this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.running || this.queue.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
