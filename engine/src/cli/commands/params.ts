// `pipe params diff [A] [B]`: compare the params the stages declare between two git revisions,
// the workspace or recorded experiments, rendered like `metrics diff`.
import { compare, declaredOf } from "../../metrics/index.js";
import { renderDiff } from "../../render/metrics-table.js";
import { finish, formatOptions, parseCommand, precisionOf, sideFor, tableFormat } from "../compare-options.js";
import { ExitCode, UserError } from "../io.js";
import type { CliIO, Command } from "../io.js";
import { requireProject } from "../open.js";

const HELP = `usage: pipe params diff [A] [B] [--json|--md] [--all] [--precision N]

Compare the declared params of A (default HEAD; outside git, the last run) and B (default the
workspace). A and B are git revisions, "workspace", or recorded experiment names.
`;

export const params: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === "diff") return diff(rest, io);
  if (sub === undefined || sub === "-h" || sub === "--help") {
    io.stdout(HELP);
    return sub === undefined ? ExitCode.usage : ExitCode.ok;
  }
  throw new UserError(`pipe params: unknown subcommand "${sub}" (expected diff)`);
};

async function diff(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = "pipe params diff";
  const { values, positionals } = parseCommand(cmd, argv, { ...formatOptions, all: { type: "boolean", short: "a", default: false } });
  if (values.help) {
    io.stdout(HELP);
    return ExitCode.ok;
  }
  if (positionals.length > 2) throw new UserError(`${cmd}: expected at most two revisions, got ${positionals.length}`);
  const format = tableFormat(cmd, values);
  // Params are shown as written unless --precision is given (a 1e-6 learning rate must not print as 0).
  const precision = values.precision === undefined ? undefined : precisionOf(cmd, values.precision);
  const project = await requireProject(io.cwd);
  const declared = declaredOf(project.pipeline);
  const a = await sideFor(cmd, project.root, positionals[0], declared);
  const b = await sideFor(cmd, project.root, positionals[1] ?? "workspace", declared);
  const result = await compare(a, b, "params", { all: values.all });
  io.stdout(
    renderDiff(result.diff, { format, keyHeader: "Param", oldLabel: result.old, newLabel: result.new, ...(precision !== undefined ? { precision } : {}) }),
  );
  return finish(cmd, result.errors);
}
