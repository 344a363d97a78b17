// `pipe status [--json]`: every stale stage with its reasons; fresh (and frozen) stages absent.
// The same decision as `repro` (status/decision.ts), without the run-cache lookup: status tells
// what is out of date, not how it would be brought back.
import { parseArgs } from "node:util";
import type { StaleReason } from "../../status/index.js";
import { decideStage, describeReason, observe } from "../../status/index.js";
import { ExitCode, type Command } from "../io.js";
import { requireProject, requireStores } from "../open.js";

export const status: Command = async (argv, io) => {
  const { values } = parseArgs({
    args: [...argv],
    options: { json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) {
    io.stdout("usage: pipe status [--json]\n\nShow the stale stages and why each is stale.\n");
    return ExitCode.ok;
  }
  const project = await requireProject(io.cwd);
  const stores = await requireStores(project);
  const stale: [string, readonly StaleReason[]][] = [];
  for (const name of project.graph.order) {
    const stage = project.graph.stage(name);
    if (stage.frozen) continue;
    const d = decideStage({ stage, forced: false, useRunCache: false, obs: await observe(stage, stores.hasher), recorded: stores.lock.stages[name] });
    if (d.kind === "run" || d.kind === "fail" || d.kind === "restore" || d.kind === "pending") stale.push([name, d.reasons]);
  }
  await stores.hasher.flush();
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
