// Runs one shell command for a stage, streaming its output line by line. The real spawner uses
// execa in its own process group so Ctrl-C can stop the whole tree; tests inject a fake.

export interface SpawnRequest {
  readonly command: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly onLine: (stream: "stdout" | "stderr", line: string) => void;
  readonly signal: AbortSignal;
}

export interface SpawnResult {
  readonly exitCode: number | null;
  /** Set when the process died from a signal (or was killed by us). */
  readonly signal?: string;
  /** Set when the command could not be started at all. */
  readonly error?: string;
}

export type Spawner = (req: SpawnRequest) => Promise<SpawnResult>;

/** Split a text stream into lines (a trailing `\r` dropped), flushing a trailing partial line at the end. */
export function lineSplitter(emit: (line: string) => void): { push(chunk: string): void; end(): void } {
  let buf = "";
  return {
    push(chunk) {
      buf += chunk;
      let i = buf.indexOf("\n");
      while (i >= 0) {
        emit(buf.slice(0, i).replace(/\r$/, ""));
        buf = buf.slice(i + 1);
        i = buf.indexOf("\n");
      }
    },
    end() {
      if (buf.length > 0) emit(buf);
      buf = "";
    },
  };
}

export const execaSpawner: Spawner = async (req) => {
  const { execa } = await import("execa");
  const child = execa(req.command, {
    shell: true,
    cwd: req.cwd,
    env: req.env,
    extendEnv: false,
    detached: true,
    stdin: "ignore",
    buffer: false,
    reject: false,
    stripFinalNewline: false,
  });
  const out = lineSplitter((l) => req.onLine("stdout", l));
  const errs = lineSplitter((l) => req.onLine("stderr", l));
  child.stdout?.setEncoding("utf8").on("data", (c: string) => out.push(c));
  child.stderr?.setEncoding("utf8").on("data", (c: string) => errs.push(c));
  const kill = (): void => {
    // The stage runs in its own process group: signal the group, then insist.
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
    setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, 3000).unref();
  };
  if (req.signal.aborted) kill();
  req.signal.addEventListener("abort", kill, { once: true });
  const result = await child;
  req.signal.removeEventListener("abort", kill);
  out.end();
  errs.end();
  if (result.failed && result.exitCode === undefined && !result.signal) {
    return { exitCode: null, error: result.shortMessage ?? "could not start the command" };
  }
  return {
    exitCode: result.exitCode ?? null,
    ...(result.signal ? { signal: result.signal } : {}),
  };
};
