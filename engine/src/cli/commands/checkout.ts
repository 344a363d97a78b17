// `pipe checkout [targets]`: bring the outputs recorded in pipeline.lock, and the data the `.dvc`
// files track, back from the cache. A target is a stage (as for repro), a `.dvc` file or a tracked path.
import { relative, resolve, sep } from "node:path";
import { parseArgs } from "node:util";
import type { HashInfo } from "../../hashing/index.js";
import { isDirDigest } from "../../hashing/index.js";
import { describeRestoreProblem } from "../../cache/index.js";
import type { TrackedData } from "../../index.js";
import { resolveTargets } from "../../plan/index.js";
import { reproTargets } from "../../session/targets.js";
import type { RelPath } from "../../config/types.js";
import { ExitCode, UserError, type Command } from "../io.js";
import { requireStores } from "../open.js";
import { requireDataProject } from "../data-project.js";

const HELP = `usage: pipe checkout [targets...]

Restore the outputs recorded in pipeline.lock, and the data tracked by .dvc files, from the cache.
A target is a stage (as for repro), a .dvc file or a tracked path; no target: everything.
`;

/** One path to bring back: what it should hold, and how to talk about it. */
interface Wanted {
  readonly path: RelPath;
  /** null: the tracking file records DVC's md5 only, so pipe has no object for it. */
  readonly info: HashInfo | null;
  /** `stage train` or `data/raw.csv.dvc`, for the lines below. */
  readonly owner: string;
  /** `output of stage 'train'` or `tracked by data/raw.csv.dvc`. */
  readonly role: string;
  /** What to do when its object is bad. */
  readonly remedy: string;
}

const fromTracked = (d: TrackedData): Wanted => ({
  path: d.path,
  info: d.info,
  owner: d.file,
  role: `tracked by ${d.file}`,
  remedy: `run 'pipe pull ${d.file}', or 'pipe add ${d.path}' where the data is`,
});

/** Split targets into tracked data (by `.dvc` file or path, relative to the working folder) and stage targets. */
function splitTargets(root: string, cwd: string, targets: readonly string[], tracked: readonly TrackedData[]): { data: TrackedData[]; stages: string[] } {
  const data: TrackedData[] = [];
  const stages: string[] = [];
  for (const t of targets) {
    const rel = relative(root, resolve(cwd, t)).split(sep).join("/");
    const hit = tracked.filter((d) => d.file === rel || d.path === rel);
    if (hit.length > 0) data.push(...hit.filter((h) => !data.includes(h)));
    else stages.push(t);
  }
  return { data, stages };
}

export const checkout: Command = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { help: { type: "boolean", short: "h", default: false } },
  });
  if (values.help) {
    io.stdout(HELP);
    return ExitCode.ok;
  }
  const { root, project, tracked } = await requireDataProject(io.cwd);
  const split = positionals.length > 0 ? splitTargets(root, io.cwd, positionals, tracked.data) : { data: [...tracked.data], stages: [] };
  let names: readonly string[] = positionals.length > 0 ? [] : (project?.graph.order ?? []);
  if (split.stages.length > 0) {
    if (project === null)
      throw new UserError(`pipe checkout: '${split.stages[0]}' is not tracked data (no .dvc file tracks it), and the project has no pipeline`);
    const t = resolveTargets(project.graph, reproTargets(project, io.cwd, { targets: split.stages, recursive: false, allPipelines: false }));
    if (!Array.isArray(t)) throw new UserError(`pipe checkout: unknown target '${t.target}' (not a stage or tracked data; stages: ${t.known.join(", ")})`);
    names = t;
  }
  const ws = await requireStores(project ?? root);
  const wanted: Wanted[] = [];
  for (const name of names) {
    for (const out of ws.lock.stages[name]?.outs ?? []) {
      const info: HashInfo = { digest: out.hash, size: out.size, isDir: isDirDigest(out.hash), ...(out.nfiles !== undefined ? { nfiles: out.nfiles } : {}) };
      wanted.push({ path: out.path, info, owner: `stage ${name}`, role: `output of stage '${name}'`, remedy: `run 'pipe repro ${name}' to make it again` });
    }
  }
  wanted.push(...split.data.map(fromTracked));

  let restored = 0;
  let unchanged = 0;
  const missing: string[] = [];
  const corrupt: string[] = [];
  for (const w of wanted) {
    const current = await ws.hasher.hashPath(w.path);
    if (w.info === null) {
      // pipe cannot check DVC's md5; data that is there is left alone.
      if (current !== null) unchanged++;
      else missing.push(`${w.path} (${w.owner} records DVC's md5 only; run 'pipe add ${w.path}' where the data is)`);
      continue;
    }
    if (current?.digest === w.info.digest) {
      unchanged++;
      continue;
    }
    if (!(await ws.cache.has(w.info))) {
      missing.push(`${w.path} (${w.owner})`);
      continue;
    }
    const problem = await ws.cache.restoreChecked(w.path, w.info);
    if (problem !== null) {
      corrupt.push(`${describeRestoreProblem(w.path, problem)} (${w.role}); ${w.remedy}`);
      continue;
    }
    io.stderr(`restored ${w.path}${w.owner.startsWith("stage ") ? "" : ` (${w.owner})`}\n`);
    restored++;
  }
  await ws.hasher.flush();
  await ws.cache.flush();
  const notes = [missing.length ? `${missing.length} not in the cache` : "", corrupt.length ? `${corrupt.length} with a bad cache object` : ""].filter(Boolean);
  io.stderr(`${restored} restored, ${unchanged} unchanged${notes.map((n) => `, ${n}`).join("")}\n`);
  for (const m of missing) io.stderr(`  not in the cache: ${m}\n`);
  for (const c of corrupt) io.stderr(`  ${c}\n`);
  return missing.length + corrupt.length > 0 ? ExitCode.stageFailed : ExitCode.ok;
};
