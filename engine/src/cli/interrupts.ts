// The one place that handles SIGINT and SIGTERM. The first aborts the signal a session runs under
// (running stages are stopped, the run ends consistently); a second exits at once with 130, after
// the registered exit hooks (the repro guard's release, restoring params files) have run.
import { ExitCode, type CliIO } from "./io.js";

export interface Interrupts {
  /** Aborted on the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** Runs `hook` when the process exits, a hard exit included; returns its removal. */
  onExit(hook: () => void): () => void;
  /** Stop listening (the hooks registered stay until removed). */
  dispose(): void;
}

export function catchInterrupts(io: CliIO, notice = "interrupt: stopping running stages (Ctrl-C again to exit at once)"): Interrupts {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (): void => {
    count++;
    if (count === 1) {
      io.stderr(`\n${notice}\n`);
      controller.abort();
    } else {
      process.exit(ExitCode.interrupted); // 'exit' hooks run on the way out
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    onExit(hook) {
      process.on("exit", hook);
      return () => void process.off("exit", hook);
    },
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
