// Integration-test rig: a temp project folder, files written into it, and the real CLI run as a
// subprocess (`node bin/pipe.js`). Stage commands append to `log.txt` so tests can see what ran.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const PIPE_BIN = join(REPO, "bin", "pipe.js");

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class Rig {
  readonly dir: string;

  constructor(prefix = "pipe-test-") {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
  }

  path(rel: string): string {
    return join(this.dir, rel);
  }

  write(rel: string, text: string): this {
    const p = this.path(rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    return this;
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), "utf8");
  }

  exists(rel: string): boolean {
    return existsSync(this.path(rel));
  }

  remove(rel: string): void {
    rmSync(this.path(rel), { recursive: true, force: true });
  }

  /** Lines of log.txt: what the stage commands recorded (`echo NAME >> log.txt`). */
  log(): string[] {
    return this.exists("log.txt") ? this.read("log.txt").split("\n").filter(Boolean) : [];
  }

  clearLog(): void {
    this.remove("log.txt");
  }

  pipe(...args: string[]): CliResult {
    return this.pipeIn("", ...args);
  }

  /** The CLI run from the rig's subfolder `rel` ("" for the project folder). */
  pipeIn(rel: string, ...args: string[]): CliResult {
    const r = spawnSync(process.execPath, [PIPE_BIN, ...args], {
      cwd: join(this.dir, rel),
      encoding: "utf8",
      env: { ...process.env, CI: "true", PIPE_DEBUG: "1" },
      timeout: 120_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Start the CLI without waiting (for Ctrl-C, lock and watch tests). */
  spawnPipe(...args: string[]) {
    const child = spawn(process.execPath, [PIPE_BIN, ...args], {
      cwd: this.dir,
      env: { ...process.env, CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const exited = new Promise<CliResult>((res) => child.on("close", (code) => res({ code, stdout, stderr })));
    return { child, exited, output: () => ({ stdout, stderr }) };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Poll until `check` holds (or fail after `ms`). */
export async function waitFor(check: () => boolean, ms = 20_000, what = "condition"): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
