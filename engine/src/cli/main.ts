// The CLI boundary: dispatch `pipe <command> ...` to its module, turn expected failures into one
// line and an exit code, and any other throw into a single `internal-error` line.
import { commands } from "./commands/index.js";
import { ExitCode, UserError, type CliIO } from "./io.js";

export const VERSION = "0.1.0";

function usage(): string {
  const shown = Object.entries(commands).filter(([, c]) => c.internal !== true);
  const width = Math.max(...shown.map(([name]) => name.length));
  const lines = shown.map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: pipe <command> [options]\n\ncommands:\n${lines.join("\n")}\n\nRun 'pipe <command> --help' for a command's options.\n`;
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    io.stdout(usage());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === "--version" || name === "-V") {
    io.stdout(`pipe ${VERSION}\n`);
    return ExitCode.ok;
  }
  const entry = commands[name];
  if (!entry) {
    const known = Object.entries(commands).flatMap(([n, c]) => (c.internal === true ? [] : [n]));
    io.stderr(`pipe: unknown command '${name}'. Commands: ${known.join(", ")}\n`);
    return ExitCode.usage;
  }
  try {
    const command = await entry.load();
    return await command(rest, io);
  } catch (e) {
    return reportError(e, io);
  }
}

export function reportError(e: unknown, io: CliIO): number {
  if (e instanceof UserError) {
    io.stderr(`${e.message}\n`);
    return e.exitCode;
  }
  // A symlink out of the project met while hashing (hashing/hasher.ts PathEscapeError), matched by
  // name so the dispatcher loads no hashing code: the user's to fix, not a bug.
  if (e instanceof Error && e.name === "PathEscapeError") {
    io.stderr(`pipe: ${e.message}: pipe neither follows nor collects it; remove the link or move its target into the project\n`);
    return ExitCode.stageFailed;
  }
  // parseArgs throws TypeErrors with a code for bad options: a usage error, not a bug.
  const code = (e as { code?: string } | null)?.code;
  if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
    io.stderr(`pipe: ${(e as Error).message}\n`);
    return ExitCode.usage;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.stderr(`pipe: internal-error: ${message}${io.env.PIPE_DEBUG ? `\n${(e as Error).stack ?? ""}` : " (set PIPE_DEBUG=1 for a stack trace)"}\n`);
  return ExitCode.internal;
}

/**
 * A writer to a process stream that goes quiet once its reader is gone (`pipe repro | head`): the
 * command carries on to a consistent end instead of dying on EPIPE with a stack trace.
 */
function quietOnClose(stream: NodeJS.WriteStream): (text: string) => void {
  let open = true;
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    open = false;
  });
  return (text) => {
    if (open) stream.write(text);
  };
}

/** The real process: streams, cwd, env; exit code set, never a stack trace. */
export async function run(): Promise<void> {
  const io: CliIO = {
    stdout: quietOnClose(process.stdout),
    stderr: quietOnClose(process.stderr),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY) && !process.env.CI,
  };
  process.exitCode = await main(process.argv.slice(2), io);
}
