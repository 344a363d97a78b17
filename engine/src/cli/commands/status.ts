// `pipe status [--json]`: every stale stage with its reasons; fresh (and frozen) stages absent.
import { parseArgs } from "node:util";
import type { StaleReason } from "../../status/index.js";
import { decide, describeReason, observe } from "../../status/index.js";
import { ExitCode, type Command } from "../io.js";
import { openProject } from "../project.js";
import { openWorkspace } from "../workspace.js";

export const status: Command = async (argv, io) => {
  const { values } = parseArgs({
    args: [...argv],
    options: { json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) {
    io.stdout("usage: pipe status [--json]\n\nShow the stale stages and why each is stale.\n");
    return ExitCode.ok;
  }
  const project = await openProject(io.cwd);
  const ws = await openWorkspace(project.root);
  const stale: [string, StaleReason[]][] = [];
  for (const name of project.graph.order) {
    const stage = project.graph.stage(name);
    if (stage.frozen) continue;
    const reasons = decide(stage, await observe(stage, ws.hasher), ws.lock.stages[name]);
    if (reasons.length > 0) stale.push([name, reasons]);
  }
  await ws.hasher.flush();
  if (values.json) {
    io.stdout(`${JSON.stringify(Object.fromEntries(stale))}\n`);
  } else if (stale.length === 0) {
    io.stdout("Data and pipeline are up to date.\n");
  } else {
    for (const [name, reasons] of stale) {
      io.stdout(`${name}:\n${reasons.map((r) => `    ${describeReason(r)}`).join("\n")}\n`);
    }
  }
  return ExitCode.ok;
};
