// Running one tool to its end with every line of its stdout and stderr stamped on arrival (epoch
// seconds), so "the tool said the stage is done" has a time for both tools by the same clock.
import { spawn } from "node:child_process";

export interface Line {
  /** Epoch seconds when the line reached the benchmark. */
  readonly t: number;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

export interface Logged {
  readonly code: number | null;
  /** Epoch seconds at spawn and at exit. */
  readonly started: number;
  readonly ended: number;
  readonly lines: readonly Line[];
}

export const now = (): number => (performance.timeOrigin + performance.now()) / 1000;

export function runLogged(argv: readonly string[], opts: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }): Promise<Logged> {
  return new Promise((resolve, reject) => {
    const lines: Line[] = [];
    const started = now();
    const child = spawn(argv[0] as string, argv.slice(1), { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of ["stdout", "stderr"] as const) {
      let rest = "";
      child[stream].setEncoding("utf8").on("data", (chunk: string) => {
        const t = now();
        const parts = (rest + chunk).split("\n");
        rest = parts.pop() ?? "";
        for (const text of parts) lines.push({ t, stream, text });
      });
      child[stream].on("end", () => {
        if (rest !== "") lines.push({ t: now(), stream, text: rest });
      });
    }
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, started, ended: now(), lines }));
  });
}

/** The tail of a run's output, for an error message. */
export const tail = (l: Logged, n = 30): string =>
  l.lines
    .slice(-n)
    .map((x) => x.text)
    .join("\n");
