// `pipe status [--json]`: every stale stage with its reasons, and every tracked path that differs
// from its `.dvc` file; fresh (and frozen) stages and unchanged data absent. The same decision as
// `repro` (status/decision.ts), without the run-cache lookup: status tells what is out of date,
// not how it would be brought back. Each kind of finding is one section (an entry per stage or
// `.dvc` file, keyed by name in --json), so another kind is one more section.
import { parseArgs } from "node:util";
import type { DataProject, Stores, TrackedChange } from "../../index.js";
import { describeResources, EXECUTOR_NAMES, loadExecutorSettings, resourceArgs, trackedChanges } from "../../index.js";
import type { ExecutorName, SlurmResources } from "../../index.js";
import type { StageName } from "../../config/types.js";
import type { Hasher } from "../../hashing/index.js";
import type { StaleReason } from "../../status/index.js";
import { describeReason } from "../../status/index.js";
import { stageStatuses } from "../../session/stage-status.js";
import { stagedNote } from "../slurm-note.js";
import { ExitCode, UserError, type Command } from "../io.js";
import { requireStores } from "../open.js";
import { requireDataProject } from "../data-project.js";

/** One entry of the report: a stage or a `.dvc` file, its findings as JSON and as text lines. */
interface Entry {
  readonly key: string;
  readonly json: readonly unknown[];
  /** The text form: a header line, then its indented lines (none: the header says it all). */
  readonly header: string;
  readonly lines: readonly string[];
}

/** With the Slurm executor: the resources a stage that runs would be submitted with. */
type Submit = ((stage: StageName) => SlurmResources) | undefined;

async function staleStages(dp: DataProject, stores: Stores, submit: Submit): Promise<Entry[]> {
  const project = dp.project;
  if (project === null) return [];
  const out: Entry[] = [];
  for (const { stage, decision: d } of await stageStatuses(project, stores)) {
    const name = stage.name;
    if (d.kind === "run" || d.kind === "fail" || d.kind === "restore" || d.kind === "pending") {
      const reasons: readonly StaleReason[] = d.reasons;
      if (submit === undefined || d.kind === "fail") {
        out.push({ key: name, json: reasons, header: `${name}:`, lines: reasons.map(describeReason) });
        continue;
      }
      const r = submit(name);
      const job = { submit: { executor: "slurm", resources: r, sbatch: resourceArgs(r) } };
      const text = describeResources(r);
      const line = `would be submitted as a Slurm job${text === "" ? "" : ` (${text})`}`;
      out.push({ key: name, json: [...reasons, job], header: `${name}:`, lines: [...reasons.map(describeReason), line] });
    }
  }
  return out;
}

const CHANGE_TEXT: Record<TrackedChange["kind"], string> = {
  modified: "modified",
  missing: "missing",
  "not-hashed": "recorded by DVC's md5 only, which pipe does not check",
};

async function changedData(dp: DataProject, hasher: Hasher): Promise<Entry[]> {
  const byFile = new Map<string, TrackedChange[]>();
  for (const c of await trackedChanges(dp.tracked.data, hasher)) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
  return [...byFile].map(([file, changes]) => {
    const json = changes.map((c) => ({ kind: c.kind, path: c.path }));
    // `data/raw.csv.dvc: modified` when the file tracks its own name alone; else one line per path.
    if (changes.length === 1 && changes[0] !== undefined && `${changes[0].path}.dvc` === file) {
      return { key: file, json, header: `${file}: ${CHANGE_TEXT[changes[0].kind]}`, lines: [] };
    }
    return { key: file, json, header: `${file}:`, lines: changes.map((c) => `${CHANGE_TEXT[c.kind]}: ${c.path}`) };
  });
}

/** How stale stages would be submitted (Slurm), and the no-shared-file-system note. */
function slurmSubmit(dp: DataProject, cli: string | undefined): { readonly submit: Submit; readonly note: string | null } {
  if (cli !== undefined && !(EXECUTOR_NAMES as readonly string[]).includes(cli)) {
    throw new UserError(`pipe status: --executor must be one of ${EXECUTOR_NAMES.join(", ")}, got '${cli}'`);
  }
  if (dp.project === null) return { submit: undefined, note: null };
  const settings = loadExecutorSettings(dp.root, cli as ExecutorName | undefined);
  if (!settings.ok) throw new UserError(`pipe status: ${settings.error}`);
  return { submit: settings.value.executor === "slurm" ? settings.value.resourcesFor : undefined, note: stagedNote(settings.value) };
}

export const status: Command = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      cloud: { type: "boolean", short: "c", default: false },
      remote: { type: "string", short: "r" },
      executor: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout(
      "usage: pipe status [--executor local|slurm] [--json]\n       pipe status --cloud [-r NAME] [targets...] [--json]\n\nShow the stale stages and why each is stale, and the tracked data (.dvc files) that changed.\nWith the slurm executor (--executor or .pipe/config), the resources each stale stage would be submitted with.\n--cloud: what is missing on the remote (pipe push sends it) and what is missing locally (pipe pull brings it).\n",
    );
    return ExitCode.ok;
  }
  if (values.cloud) return (await import("./status-cloud.js")).statusCloud(positionals, values.remote, values.json, io);
  if (positionals.length > 0 || values.remote !== undefined) throw new UserError("pipe status: targets and -r/--remote are for --cloud");
  const dp = await requireDataProject(io.cwd);
  const stores = await requireStores(dp.project ?? dp.root);
  const { submit, note } = slurmSubmit(dp, values.executor);
  const entries = [...(await staleStages(dp, stores, submit)), ...(await changedData(dp, stores.hasher))];
  await stores.hasher.flush();
  if (values.json) {
    io.stdout(`${JSON.stringify(Object.fromEntries(entries.map((e) => [e.key, e.json])))}\n`);
  } else if (entries.length === 0) {
    io.stdout("Data and pipeline are up to date.\n");
  } else {
    for (const e of entries) io.stdout(`${[e.header, ...e.lines.map((l) => `    ${l}`)].join("\n")}\n`);
    if (note !== null && submit !== undefined && entries.length > 0) io.stderr(note);
  }
  return ExitCode.ok;
};
