// How long to wait before looking at a job again: often while it is young (a one-second stage is
// seen ending within ~100 ms), then a tenth of its age, so a long job costs few squeue calls. Pure.

export interface PollTiming {
  /** The first delays, and the least (ms). */
  readonly minMs: number;
  /** The most a job waits between looks (ms). */
  readonly maxMs: number;
}

export const DEFAULT_POLL: PollTiming = { minMs: 100, maxMs: 2000 };

/** The delay before the next look at a job submitted `ageMs` ago. */
export function pollDelay(ageMs: number, timing: PollTiming = DEFAULT_POLL): number {
  return Math.min(timing.maxMs, Math.max(timing.minMs, Math.round(ageMs / 10)));
}
