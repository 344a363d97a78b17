// `pipe metrics show|diff`: read the declared metrics files (workspace, git revisions or recorded
// experiments), flatten them to dotted keys, render one table (plain, --md or --json).
import { defaultPipelineLoader, isGitRepo, listCommits } from "../../git/index.js";
import { declaredOf, compare, comparedDeclared, revisionSide, snapshotOf, workspaceSide } from "../../metrics/index.js";
import { renderDiff, renderShow } from "../../render/metrics-table.js";
import type { ShownRevision } from "../../render/metrics-table.js";
import { finish, formatOptions, parseCommand, precisionOf, sideFor, tableFormat } from "../compare-options.js";
import { dispatch } from "../subcommands.js";
import { ExitCode, UserError } from "../io.js";
import type { CliIO, Command } from "../io.js";
import { requireProject } from "../open.js";

const HELP = `usage: pipe metrics show [--json|--md] [--all-commits] [--precision N]
       pipe metrics diff [A] [B] [--json|--md] [--all] [--precision N]

show  every declared metrics file (JSON or YAML), flattened to dotted keys
diff  compare revisions A (default HEAD) and B (default the workspace); a git revision,
      "workspace", or a recorded experiment name. Outside git, A defaults to the last run.
      --all shows unchanged metrics too; --precision rounds to N decimals (default 5).
`;

export const metrics: Command = dispatch("pipe metrics", HELP, { show, diff });

async function show(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = "pipe metrics show";
  const { values, positionals } = parseCommand(cmd, argv, { ...formatOptions, "all-commits": { type: "boolean", short: "A", default: false } });
  if (values.help) return help(io);
  if (positionals.length > 0) throw new UserError(`${cmd}: unexpected argument "${positionals[0] ?? ""}"`);
  const format = tableFormat(cmd, values);
  const precision = precisionOf(cmd, values.precision);
  const project = await requireProject(io.cwd);
  const declared = declaredOf(project.pipeline);
  const ws = workspaceSide(project.root, declared);
  const revs: ShownRevision[] = [{ label: ws.label, snapshot: await snapshotOf(ws, "metrics", declared) }];
  if (values["all-commits"] && (await isGitRepo(project.root))) {
    for (const sha of await listCommits(project.root)) {
      const side = await revisionSide(project.root, sha, defaultPipelineLoader);
      if (!side.ok) continue;
      const label = sha.slice(0, 7);
      revs.push({ label, snapshot: await snapshotOf({ ...side.value, label }, "metrics", comparedDeclared([side.value, ws])) });
    }
  }
  io.stdout(renderShow(revs, { format, precision, byRevision: values["all-commits"] }));
  return finish(
    cmd,
    revs.flatMap((r) => Object.values(r.snapshot.errors).map((e) => (values["all-commits"] ? `${r.label}: ${e}` : e))),
  );
}

async function diff(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = "pipe metrics diff";
  const { values, positionals } = parseCommand(cmd, argv, { ...formatOptions, all: { type: "boolean", short: "a", default: false } });
  if (values.help) return help(io);
  if (positionals.length > 2) throw new UserError(`${cmd}: expected at most two revisions, got ${positionals.length}`);
  const format = tableFormat(cmd, values);
  const precision = precisionOf(cmd, values.precision);
  const project = await requireProject(io.cwd);
  const declared = declaredOf(project.pipeline);
  const a = await sideFor(cmd, project.root, positionals[0], declared);
  const b = await sideFor(cmd, project.root, positionals[1] ?? "workspace", declared);
  const result = await compare(a, b, "metrics", { all: values.all });
  io.stdout(renderDiff(result.diff, { format, keyHeader: "Metric", oldLabel: result.old, newLabel: result.new, precision }));
  return finish(cmd, result.errors);
}

function help(io: CliIO): number {
  io.stdout(HELP);
  return ExitCode.ok;
}
