// Running one benchmarked command: `sync` first (and, when asked, the page cache dropped) so no
// command pays for the writeback of the one before, then the command's wall time and, through
// /usr/bin/time, its CPU time (user + system, its children included), which load inflates less.
// Asynchronous on purpose: s3rver serves from the driver's own event loop while pipe runs.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

export interface Timing {
  readonly wall: number;
  /** User + system seconds, null without /usr/bin/time. */
  readonly cpu: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Drop the page cache (sync; echo 3 > /proc/sys/vm/drop_caches) before the command. */
  readonly dropCaches?: boolean;
}

const TIME = "/usr/bin/time";
const DROP = "/proc/sys/vm/drop_caches";

/** Whether this process may drop the page cache (root, and /proc/sys writable). */
export function canDropCaches(): boolean {
  try {
    writeFileSync(DROP, "1");
    return true;
  } catch {
    return false;
  }
}

export function settle(dropCaches: boolean): void {
  spawnSync("sync", { stdio: "ignore" });
  if (dropCaches) writeFileSync(DROP, "3");
}

export async function timed(argv: readonly string[], opts: RunOptions): Promise<Timing> {
  settle(opts.dropCaches ?? false);
  const cpuFile = join(tmpdir(), `pipe-bench-time-${String(process.pid)}`);
  const withTime = existsSync(TIME);
  const full = withTime ? [TIME, "-q", "-f", "%U %S", "-o", cpuFile, ...argv] : [...argv];
  const started = performance.now();
  const { code, stdout, stderr } = await run(full, opts);
  const wall = (performance.now() - started) / 1000;
  let cpu: number | null = null;
  if (withTime) {
    const fields = readFileSync(cpuFile, "utf8").trim().split(/\s+/).slice(-2).map(Number);
    cpu = fields.length === 2 && fields.every(Number.isFinite) ? (fields[0] as number) + (fields[1] as number) : null;
    rmSync(cpuFile, { force: true });
  }
  if (code !== 0) throw new Error(`${argv.join(" ")} (in ${opts.cwd}) exited with ${String(code)}:\n${stderr.slice(-2000)}${stdout.slice(-1000)}`);
  return { wall, cpu, stdout, stderr };
}

/** Run a command to its end (untimed), collecting its output; a non-zero exit throws. */
export async function must(argv: readonly string[], opts: RunOptions): Promise<string> {
  const { code, stdout, stderr } = await run(argv, opts);
  if (code !== 0) throw new Error(`${argv.join(" ")} (in ${opts.cwd}) exited with ${String(code)}:\n${stderr.slice(-2000)}`);
  return stdout;
}

function run(argv: readonly string[], opts: RunOptions): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
    child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
