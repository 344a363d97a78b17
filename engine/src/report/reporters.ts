// Reporters render run events: plain lines for CI and pipes, a live status line for a TTY, or one
// JSON object per line (`--json`). The only place, with cli/, that writes to the terminal.
import type { StageName } from "../config/types.js";
import type { EventSink, RunEventBody } from "../events/index.js";
import { describeReason } from "../status/reasons.js";
import { describeFailure, describeSkip } from "./describe.js";
import { formatDuration, summaryLine } from "./format.js";

export interface Reporter {
  readonly emit: EventSink;
  /** Stop timers and clear any live view. */
  readonly close: () => void;
}

/** The line a plain reporter prints for an event, or null for none. Pure, for golden tests. */
export function plainLine(e: RunEventBody): string | null {
  switch (e.type) {
    case "plan":
      return null;
    case "stage-start":
      return `> ${e.stage}: running (${e.reason === "forced" ? "forced" : describeReason(e.reason)})`;
    case "stage-job":
      return `> ${e.stage}: submitted as job ${e.jobId}${e.resources === "" ? "" : ` (${e.resources})`}`;
    case "stage-output":
      return `[${e.stage}] ${e.line}`;
    case "stage-done":
      switch (e.outcome) {
        case "ran":
          return `+ ${e.stage}: ran in ${formatDuration(e.durationMs)}`;
        case "restored":
          return `+ ${e.stage}: restored from ${e.from ?? "cache"}`;
        case "fresh":
          return `= ${e.stage}: up to date`;
        case "frozen":
          return `= ${e.stage}: frozen, not checked`;
        case "failed":
          return `! ${e.stage}: failed after ${formatDuration(e.durationMs)}: ${describeFailure(e.failure)}`;
        case "skipped":
          return `- ${e.stage}: skipped: ${describeSkip(e.skip)}`;
        default: {
          const never: never = e;
          throw new Error(`unknown outcome ${JSON.stringify(never)}`);
        }
      }
    case "warning":
      return `warning: ${e.message}`;
    case "summary":
      return summaryLine(e.counts, e.durationMs, e.interrupted);
    default: {
      const never: never = e;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
}

export function plainReporter(write: (text: string) => void): Reporter {
  return {
    emit: (e) => {
      const line = plainLine(e);
      if (line !== null) write(`${line}\n`);
    },
    close: () => {},
  };
}

export function jsonReporter(write: (text: string) => void, now: () => number = Date.now): Reporter {
  return {
    emit: (e) => write(`${JSON.stringify({ time: new Date(now()).toISOString(), ...e })}\n`),
    close: () => {},
  };
}

/** Plain lines plus a status line at the bottom, redrawn while stages run. */
export function ttyReporter(write: (text: string) => void, now: () => number = Date.now): Reporter {
  const running = new Map<StageName, number>();
  let statusShown = false;
  const clear = (): void => {
    if (statusShown) write("\r\x1b[2K");
    statusShown = false;
  };
  const draw = (): void => {
    if (running.size === 0) return;
    const t = now();
    const items = [...running].map(([s, t0]) => `${s} ${formatDuration(t - t0)}`);
    write(`\r\x1b[2K\x1b[2mrunning: ${items.join(", ")}\x1b[0m`);
    statusShown = true;
  };
  const timer = setInterval(() => {
    clear();
    draw();
  }, 250);
  timer.unref();
  const color = (e: RunEventBody, line: string): string => {
    if (e.type !== "stage-done") return line;
    const c = { ran: 32, restored: 36, fresh: 90, frozen: 90, failed: 31, skipped: 33 }[e.outcome];
    return `\x1b[${c}m${line}\x1b[0m`;
  };
  return {
    emit: (e) => {
      if (e.type === "stage-start") running.set(e.stage, now());
      if (e.type === "stage-done") running.delete(e.stage);
      const line = plainLine(e);
      clear();
      if (line !== null) write(`${color(e, line)}\n`);
      draw();
    },
    close: () => {
      clearInterval(timer);
      clear();
    },
  };
}
