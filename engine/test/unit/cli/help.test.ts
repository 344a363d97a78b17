// `pipe --help` and an unknown command list the commands a user types; commands pipe runs itself
// (a Slurm job's `job-run`) stay out of both, yet still dispatch.
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { commands } from "../../../src/cli/commands/index.js";
import type { CliIO } from "../../../src/cli/io.js";

function capture(): { io: CliIO; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: process.cwd(), env: {}, isTTY: false };
  return { io, out: () => out, err: () => err };
}

describe("pipe --help", () => {
  it("lists every command but the internal ones", async () => {
    const c = capture();
    expect(await main(["--help"], c.io)).toBe(0);
    const listed = [...c.out().matchAll(/^ {2}(\S+) {2,}/gm)].map((m) => m[1]);
    const internal = Object.entries(commands).flatMap(([n, e]) => (e.internal === true ? [n] : []));
    expect(internal).toEqual(["job-run"]);
    expect(listed).toEqual(Object.keys(commands).filter((n) => !internal.includes(n)));
    expect(listed).toEqual(expect.arrayContaining(["repro", "exp", "ui"]));
  });

  it("an unknown command names the public ones only", async () => {
    const c = capture();
    expect(await main(["nope"], c.io)).toBe(2);
    expect(c.err()).toMatch(/^pipe: unknown command 'nope'\. Commands: repro, status, /);
    expect(c.err()).not.toContain("job-run");
  });

  it("an internal command still runs", async () => {
    const c = capture();
    expect(await main(["job-run"], c.io)).toBe(2);
    expect(c.out()).toMatch(/^usage: pipe job-run SPEC/);
    expect(await main(["job-run", "{not json"], c.io)).toBe(2);
    expect(c.err()).toMatch(/^pipe job-run: /);
  });
});
