// `pipe ui` as a user runs it: prints its URL, serves until Ctrl-C (exit 0), one-line errors for a
// taken port, a bad --port and a folder with no project.
import { spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProjectInfo } from "../../../src/ui/api.js";
import { PIPE_BIN, waitFor, type Rig } from "../../helpers/rig.js";
import { makeUiProject } from "./fixture.js";

let rig: Rig;
beforeAll(() => {
  rig = makeUiProject({ git: false });
});
afterAll(() => rig?.cleanup());

describe("pipe ui", () => {
  it("serves on 127.0.0.1 at the printed URL until Ctrl-C", async () => {
    const ui = rig.spawnPipe("ui", "--port", "0");
    try {
      await waitFor(() => /http:\/\/\S+\//.test(ui.output().stdout), 30_000, "the URL");
      const url = /(http:\/\/\S+\/)/.exec(ui.output().stdout)?.[1] ?? "";
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const project = (await (await fetch(`${url}api/project`)).json()) as ProjectInfo;
      expect(project).toMatchObject({ stages: 2, experiments: 0, git: false, version: "0.1.0" });
      ui.child.kill("SIGINT");
      const r = await ui.exited;
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("pipe ui: stopping");
    } finally {
      ui.child.kill("SIGKILL");
    }
  });

  it("--open hands the URL to xdg-open, and carries on quietly when there is none", async () => {
    const bin = mkdtempSync(join(tmpdir(), "pipe-ui-bin-"));
    const opened = join(bin, "opened.txt");
    // written whole, then renamed: the test waits for the file to appear
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\necho "$@" > ${opened}.tmp && mv ${opened}.tmp ${opened}\n`);
    chmodSync(join(bin, "xdg-open"), 0o755);
    const serve = async (path: string): Promise<{ url: string; stderr: string }> => {
      const child = spawn(process.execPath, [PIPE_BIN, "ui", "--port", "0", "--open"], {
        cwd: rig.dir,
        env: { ...process.env, PATH: path },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
      child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
      const exited = new Promise((res) => child.on("close", res));
      try {
        await waitFor(() => /http:\/\/\S+\//.test(out), 30_000, "the URL");
        const url = /(http:\/\/\S+\/)/.exec(out)?.[1] ?? "";
        if (path.startsWith(bin)) await waitFor(() => existsSync(opened), 30_000, "xdg-open to be called");
        else await waitFor(() => err.includes("could not open a browser"), 30_000, "the notice");
        return { url, stderr: err };
      } finally {
        child.kill("SIGINT");
        await exited;
      }
    };
    try {
      const withOpener = await serve(`${bin}:${process.env.PATH ?? ""}`);
      expect(readFileSync(opened, "utf8").trim()).toBe(withOpener.url);
      const without = await serve(join(bin, "nothing-here"));
      expect(without.stderr).toContain(`pipe ui: could not open a browser; open ${without.url} yourself`);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it("says so in one line when the port is taken", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((res) => blocker.listen(0, "127.0.0.1", res));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = rig.pipe("ui", "--port", String(port));
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`pipe ui: port ${port} on 127.0.0.1 is taken (another pipe ui?); choose one with --port N, or --port 0 for a free one\n`);
    } finally {
      blocker.close();
    }
  });

  it("refuses a bad --port, a stray argument and a folder without a project", () => {
    expect(rig.pipe("ui", "--port", "http")).toMatchObject({ code: 2, stderr: 'pipe ui: --port expects an integer 0-65535, got "http"\n' });
    expect(rig.pipe("ui", "--port", "70000").code).toBe(2);
    expect(rig.pipe("ui", "extra")).toMatchObject({ code: 2, stderr: 'pipe ui: unexpected argument "extra"\n' });
    const empty = mkdtempSync(join(tmpdir(), "pipe-ui-empty-"));
    try {
      expect(rig.pipe("ui", "--help").stdout).toContain("usage: pipe ui");
      const none = spawnIn(empty);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/^no pipeline\.yaml \(or dvc\.yaml\) in .+ or any folder above it\n$/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

function spawnIn(cwd: string): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [PIPE_BIN, "ui", "--port", "0"], { cwd, encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stderr: r.stderr };
}
