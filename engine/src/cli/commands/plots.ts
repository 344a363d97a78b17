// `pipe plots show|diff`: draw every declared plot (workspace, or overlaid across git revisions and
// experiments) into one self-contained HTML file, print its path, optionally open it.
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { ExpStore, recordReader } from "../../exp/index.js";
import type { Declared, TreeReader } from "../../metrics/index.js";
import { defaultPipelineLoader, isGitRepo } from "../../git/index.js";
import { declaredOf, mergeDeclared, revisionSide, WORKSPACE, workspaceReader } from "../../metrics/index.js";
import { buildPlotsReport, DEFAULT_REPORT } from "../../plots/index.js";
import { parseCommand } from "../compare-options.js";
import { ExitCode, UserError } from "../io.js";
import type { CliIO, Command } from "../io.js";
import { requireProject } from "../open.js";

const HELP = `usage: pipe plots show [targets...] [-o FILE] [--open]
       pipe plots diff [revisions...] [-o FILE] [--open]

show  draw every declared plot (or the targets) from the workspace into one HTML file
      (default ${DEFAULT_REPORT}) and print its path
diff  overlay each plot across git revisions, "workspace" and experiment names
      (default: HEAD and the workspace; outside git, the last run and the workspace)
`;

export const plots: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === "show" || sub === "diff") return draw(sub, rest, io);
  if (sub === undefined || sub === "-h" || sub === "--help") {
    io.stdout(HELP);
    return sub === undefined ? ExitCode.usage : ExitCode.ok;
  }
  throw new UserError(`pipe plots: unknown subcommand "${sub}" (expected show or diff)`);
};

async function draw(sub: "show" | "diff", argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = `pipe plots ${sub}`;
  const { values, positionals } = parseCommand(cmd, argv, {
    out: { type: "string", short: "o" },
    open: { type: "boolean", default: false },
    targets: { type: "string", multiple: true, default: [] },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    io.stdout(HELP);
    return ExitCode.ok;
  }
  const project = await requireProject(io.cwd);
  const root = project.root;
  let declared = declaredOf(project.pipeline);
  let sides: TreeReader[];
  let targets: string[] = values.targets;
  if (sub === "show") {
    sides = [workspaceReader(root)];
    targets = [...targets, ...positionals];
  } else {
    const revs = positionals.length > 0 ? positionals : [await defaultOld(cmd, root), WORKSPACE];
    const resolved = await Promise.all(revs.map((rev) => readerFor(cmd, root, rev)));
    sides = resolved.map((r) => r.reader);
    for (const r of resolved) if (r.declared !== null) declared = mergeDeclared(declared, r.declared);
  }
  const selected = selectPlots(declared, targets, root, io.cwd);
  const report = await buildPlotsReport(selected, sides);
  const outAbs = values.out === undefined ? join(root, DEFAULT_REPORT) : resolve(io.cwd, values.out);
  await mkdir(dirname(outAbs), { recursive: true });
  await writeFile(outAbs, report.html);
  const shown = relative(io.cwd, outAbs);
  io.stdout(`${shown.startsWith("..") || isAbsolute(shown) ? outAbs : shown}\n`);
  for (const e of report.errors) io.stderr(`${cmd}: ${e}\n`);
  if (values.open) openInBrowser(outAbs, io);
  return report.errors.length > 0 ? ExitCode.badPipeline : ExitCode.ok;
}

function selectPlots(declared: Declared, targets: readonly string[], root: string, cwd: string): Declared["plots"] {
  if (targets.length === 0) return declared.plots;
  const wanted = new Set(targets.map((t) => relative(root, resolve(cwd, t)).split("\\").join("/")));
  for (const t of wanted) {
    if (!declared.plots.some((p) => p.path === t)) throw new UserError(`pipe plots: "${t}" is not a declared plot`);
  }
  return declared.plots.filter((p) => wanted.has(p.path));
}

async function defaultOld(cmd: string, root: string): Promise<string> {
  if (await isGitRepo(root)) return "HEAD";
  const last = await new ExpStore(root).latest();
  if (last === undefined) throw new UserError(`${cmd}: not a git repository and no run recorded by pipe yet`);
  return last.name;
}

/** A revision name → a reader: the workspace, a git revision (with its declarations), or an experiment. */
async function readerFor(cmd: string, root: string, rev: string): Promise<{ reader: TreeReader; declared: Declared | null }> {
  if (rev === WORKSPACE) return { reader: workspaceReader(root), declared: null };
  if (await isGitRepo(root)) {
    const side = await revisionSide(root, rev, defaultPipelineLoader);
    if (side.ok && side.value.kind === "tree") return { reader: side.value.reader, declared: side.value.declared };
  }
  const record = await new ExpStore(root).find(rev);
  if (record !== undefined) return { reader: recordReader(record), declared: null };
  throw new UserError(`${cmd}: unknown revision or experiment "${rev}"`);
}

/** Best effort: the report path is printed either way. */
function openInBrowser(path: string, io: CliIO): void {
  const [bin, args] =
    process.platform === "darwin" ? ["open", [path]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", path]] : ["xdg-open", [path]];
  try {
    const child = spawn(bin, args, { detached: true, stdio: "ignore" });
    child.on("error", () => io.stderr(`pipe plots: could not open a browser; open ${path} yourself\n`));
    child.unref();
  } catch {
    io.stderr(`pipe plots: could not open a browser; open ${path} yourself\n`);
  }
}
