// `pipe ui [--port N] [--host H] [--open]`: serve the local web app (experiments, plots, the
// pipeline, live runs) for the project until Ctrl-C. Binds 127.0.0.1 unless --host says otherwise.
import { spawn } from "node:child_process";
import { createUiServer } from "../../ui/server/app.js";
import { parseCommand } from "../compare-options.js";
import { catchInterrupts } from "../interrupts.js";
import { ExitCode, UserError, type CliIO, type Command } from "../io.js";
import { requireProject } from "../open.js";

export const DEFAULT_PORT = 4173;

const HELP = `usage: pipe ui [--port N] [--host 127.0.0.1] [--open]

Serve a local web app for this project until Ctrl-C: experiments (the workspace, git branches and
every recorded run) to sort, filter and compare, their plots, the pipeline with each stage's state
and last log, and any repro or exp run live as it happens. Read-only; needs no network.
  --port N   port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H   address to bind (default 127.0.0.1; 0.0.0.0 serves other machines too)
  --open     open the page in the system browser
`;

export function parsePort(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < 0 || n > 65535) throw new UserError(`pipe ui: --port expects an integer 0-65535, got "${raw}"`);
  return n;
}

export const ui: Command = async (argv, io) => {
  const { values, positionals } = parseCommand("pipe ui", argv, {
    port: { type: "string", short: "p" },
    host: { type: "string" },
    open: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    io.stdout(HELP);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UserError(`pipe ui: unexpected argument "${positionals[0] ?? ""}"`);
  const port = parsePort(values.port);
  const host = values.host ?? "127.0.0.1";
  if (host.trim() === "") throw new UserError("pipe ui: --host expects an address, got an empty one");
  const project = await requireProject(io.cwd);
  const { VERSION } = await import("../main.js");
  const app = createUiServer({ root: project.root, version: VERSION, host, onInternalError: (m) => io.stderr(`pipe ui: internal error: ${m}\n`) });
  let address: string;
  try {
    address = await app.listen({ port, host });
  } catch (e) {
    await app.close().catch(() => undefined);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new UserError(
        `pipe ui: port ${port} on ${host} is taken (another pipe ui?); choose one with --port N, or --port 0 for a free one`,
        ExitCode.stageFailed,
      );
    }
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EACCES") {
      throw new UserError(`pipe ui: cannot listen on ${host}:${port} (${code})`, ExitCode.stageFailed);
    }
    throw e;
  }
  const url = pageUrl(address, host);
  // Ctrl-C is caught before the URL is printed: whoever reads the URL may stop the server at once.
  const interrupts = catchInterrupts(io, "pipe ui: stopping");
  io.stdout(`pipe ui: serving ${project.root} at ${url} (Ctrl-C to stop)\n`);
  if (host === "0.0.0.0" || host === "::")
    io.stderr(`pipe ui: listening on every interface (--host ${host}): anyone who can reach this machine can read the project\n`);
  if (values.open) openBrowser(url, io);
  await new Promise<void>((resolve) => interrupts.signal.addEventListener("abort", () => resolve(), { once: true }));
  interrupts.dispose();
  await app.close();
  return ExitCode.ok;
};

/** The URL to print: the address Fastify bound, with a loopback name where it bound every interface. */
export function pageUrl(address: string, host: string): string {
  const u = new URL(address);
  if (host === "0.0.0.0" || host === "::") u.hostname = "127.0.0.1";
  return `${u.origin}/`;
}

/** Best effort: the URL is printed either way. */
function openBrowser(url: string, io: CliIO): void {
  const [bin, args] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  const failed = (): void => io.stderr(`pipe ui: could not open a browser; open ${url} yourself\n`);
  try {
    const child = spawn(bin, args, { detached: true, stdio: "ignore" });
    child.on("error", failed);
    child.unref();
  } catch {
    failed();
  }
}
