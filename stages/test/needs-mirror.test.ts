// The mirror gate of the transformer tests: without the mirror, a suite is skipped with a warning that
// names it, except under CI, where it fails (run in a vitest subprocess on a fixture suite).
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { underCi } from "./helpers/needs-mirror.js";

const REPO = resolve(import.meta.dirname, "../..");
const VITEST = join(REPO, "node_modules/vitest/vitest.mjs");

function runFixture(ci: string | undefined): { code: number | null; out: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CI;
  if (ci !== undefined) env.CI = ci;
  const r = spawnSync(process.execPath, [VITEST, "run", "--root", REPO, "--config", "stages/test/fixtures/vitest.fixture.config.ts"], {
    cwd: REPO,
    env,
    encoding: "utf8",
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe("describeWithMirror", () => {
  it("reads CI as .ci/run sets it", () => {
    expect(underCi({ CI: "true" })).toBe(true);
    expect(underCi({ CI: "1" })).toBe(true);
    expect(underCi({})).toBe(false);
    expect(underCi({ CI: "" })).toBe(false);
    expect(underCi({ CI: "false" })).toBe(false);
  });

  it("skips loudly without CI, and fails under CI", () => {
    const local = runFixture(undefined);
    expect(local.code, local.out).toBe(0);
    expect(local.out).toMatch(/skipped: "a suite on the mirror": needs the mirror's models\/nothing-here/);
    const ci = runFixture("true");
    expect(ci.code, ci.out).not.toBe(0);
    expect(ci.out).toMatch(/a suite on the mirror: needs the mirror's models\/nothing-here, which is not there/);
  }, 60_000);
});
