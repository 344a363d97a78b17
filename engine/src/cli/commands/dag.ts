// `pipe dag [target] [--mermaid|--dot|--json]`: the stage graph, or the part of it a target needs;
// `--json` also gives each stage's resolved command.
import { parseArgs } from "node:util";
import { resolveTargets } from "../../plan/index.js";
import { reproTargets } from "../../session/targets.js";
import { renderAscii, renderDot, renderJson, renderMermaid, type DagStage, type DagView } from "../../render/dag.js";
import { ExitCode, UserError, type Command } from "../io.js";
import { requireProject } from "../open.js";

export const dag: Command = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      mermaid: { type: "boolean", default: false },
      dot: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout(
      "usage: pipe dag [targets...] [--mermaid | --dot | --json]\n\nPrint the stage graph (edges run from upstream to downstream).\n--json: {nodes, edges, stages: {<name>: {cmd}}}, cmd as interpolated.\n",
    );
    return ExitCode.ok;
  }
  if ([values.mermaid, values.dot, values.json].filter(Boolean).length > 1) {
    throw new UserError("pipe dag: choose one of --mermaid, --dot, --json");
  }
  const project = await requireProject(io.cwd);
  const { graph } = project;
  let keep = new Set<string>(graph.order);
  if (positionals.length > 0) {
    const targets = resolveTargets(graph, reproTargets(project, io.cwd, { targets: positionals, recursive: false, allPipelines: false }));
    if (!Array.isArray(targets)) throw new UserError(`pipe dag: unknown stage '${targets.target}' (stages: ${targets.known.join(", ")})`);
    keep = new Set(targets);
    const stack = [...targets];
    while (stack.length > 0) {
      for (const u of graph.upstream(stack.pop() as (typeof targets)[number])) {
        if (!keep.has(u)) {
          keep.add(u);
          stack.push(u);
        }
      }
    }
  }
  const nodes = graph.order.filter((n) => keep.has(n));
  const stages: Record<string, DagStage> = {};
  for (const n of nodes) {
    const cmd = graph.stage(n).cmd;
    stages[n] = { cmd: cmd.length === 1 ? cmd[0]! : [...cmd] };
  }
  const view: DagView = {
    nodes,
    edges: graph.edges.filter((e) => keep.has(e.from) && keep.has(e.to)).map((e) => [e.from, e.to] as const),
    ...(values.json ? { stages } : {}),
  };
  const render = values.mermaid ? renderMermaid : values.dot ? renderDot : values.json ? renderJson : renderAscii;
  io.stdout(render(view));
  return ExitCode.ok;
};
