// `pipe checkout [targets]`: bring the outputs recorded in pipeline.lock back from the cache.
import { parseArgs } from "node:util";
import type { HashInfo } from "../../hashing/index.js";
import { isDirDigest } from "../../hashing/index.js";
import { describeRestoreProblem } from "../../cache/index.js";
import { resolveTargets } from "../../plan/index.js";
import { reproTargets } from "../../session/targets.js";
import { ExitCode, UserError, type Command } from "../io.js";
import { requireProject, requireStores } from "../open.js";

export const checkout: Command = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) {
    io.stdout("usage: pipe checkout [targets...]\n\nRestore the outputs recorded in pipeline.lock from the cache.\n");
    return ExitCode.ok;
  }
  const project = await requireProject(io.cwd);
  let names: readonly string[] = project.graph.order;
  if (positionals.length > 0) {
    const t = resolveTargets(project.graph, reproTargets(project, io.cwd, { targets: positionals, recursive: false, allPipelines: false }));
    if (!Array.isArray(t)) throw new UserError(`pipe checkout: unknown stage '${t.target}' (stages: ${t.known.join(", ")})`);
    names = t;
  }
  const ws = await requireStores(project);
  let restored = 0;
  let unchanged = 0;
  const missing: string[] = [];
  const corrupt: string[] = [];
  for (const name of names) {
    const entry = ws.lock.stages[name];
    if (!entry) continue;
    for (const out of entry.outs) {
      const info: HashInfo = {
        digest: out.hash,
        size: out.size,
        isDir: isDirDigest(out.hash),
        ...(out.nfiles !== undefined ? { nfiles: out.nfiles } : {}),
      };
      const current = await ws.hasher.hashPath(out.path);
      if (current?.digest === out.hash) {
        unchanged++;
        continue;
      }
      if (!(await ws.cache.has(info))) {
        missing.push(`${out.path} (stage ${name})`);
        continue;
      }
      const problem = await ws.cache.restoreChecked(out.path, info);
      if (problem !== null) {
        corrupt.push(`${describeRestoreProblem(out.path, problem)} (output of stage '${name}'); run 'pipe repro ${name}' to make it again`);
        continue;
      }
      io.stderr(`restored ${out.path}\n`);
      restored++;
    }
  }
  await ws.hasher.flush();
  await ws.cache.flush();
  const notes = [missing.length ? `${missing.length} not in the cache` : "", corrupt.length ? `${corrupt.length} with a bad cache object` : ""].filter(Boolean);
  io.stderr(`${restored} restored, ${unchanged} unchanged${notes.map((n) => `, ${n}`).join("")}\n`);
  for (const m of missing) io.stderr(`  not in the cache: ${m}\n`);
  for (const c of corrupt) io.stderr(`  ${c}\n`);
  return missing.length + corrupt.length > 0 ? ExitCode.stageFailed : ExitCode.ok;
};
