// Test suites that need the offline mirror (`$PIPE_MIRROR`, else ../shared/mirror): without it they
// are skipped with a warning naming the suite and what is missing, except under CI (CI set, as .ci/run
// sets it), where the mirror is part of the set-up and its absence fails the run instead.
import { describe, it } from "vitest";

const HINT = "set PIPE_MIRROR to the mirror folder, or put the mirror at ../shared/mirror";

/** Whether this run is CI's: CI set to anything but "", "0" or "false". */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

/**
 * `describe(name, body)` when the mirror's `what` is `present`; otherwise a skipped suite and a
 * console warning, or under CI one failing test that says what is missing.
 */
export function describeWithMirror(name: string, present: boolean, what: string, body: () => void): void {
  if (present) {
    describe(name, body);
    return;
  }
  const why = `needs the mirror's ${what}, which is not there (${HINT})`;
  if (underCi()) {
    describe(name, () => {
      it("finds the mirror it needs (CI must run this suite)", () => {
        throw new Error(`${name}: ${why}`);
      });
    });
    return;
  }
  console.warn(`skipped: "${name}": ${why}`);
  describe.skip(name, body);
}
