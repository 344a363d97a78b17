// Suites that need a system program (Debian's sshd): without it they are skipped with a warning
// naming the suite and the fix, except under CI (CI set), where scripts/test-services.sh installs
// it, so its absence fails the run instead (the pattern of stages/test/helpers/needs-mirror.ts).
import { describe, it } from "vitest";

/** Whether this run is CI's: CI set to anything but "", "0" or "false". */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

/** `describe(name, body)` when `present`; otherwise skipped with a warning, or one failing test under CI. */
export function describeWith(name: string, present: boolean, what: string, body: () => void): void {
  if (present) {
    describe(name, body);
    return;
  }
  const why = `needs ${what}, which is not installed (run scripts/test-services.sh as root)`;
  if (underCi()) {
    describe(name, () => {
      it("finds what it needs (CI must run this suite)", () => {
        throw new Error(`${name}: ${why}`);
      });
    });
    return;
  }
  console.warn(`skipped: "${name}": ${why}`);
  describe.skip(name, body);
}
