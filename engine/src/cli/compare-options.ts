// Option handling shared by `pipe metrics`, `params`, `plots` and `exp`: output format, precision,
// and turning revision arguments into comparison sides (git revision, workspace, or experiment).
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { ExpStore, storedValues } from "../exp/index.js";
import type { Declared, Side } from "../metrics/index.js";
import { defaultPipelineLoader, isGitRepo } from "../git/index.js";
import { revisionSide, storedSide, WORKSPACE, workspaceSide } from "../metrics/index.js";
import type { TableFormat } from "../render/metrics-table.js";
import { ExitCode, UserError } from "./io.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with strict options; a bad flag is a one-line usage error naming the command. */
export function parseCommand<O extends Options>(command: string, argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UserError(`${command}: ${e instanceof Error ? e.message : String(e)}`, ExitCode.usage);
  }
}

export const formatOptions = {
  json: { type: "boolean", default: false },
  md: { type: "boolean", default: false },
  precision: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

export function tableFormat(command: string, v: { json?: boolean | undefined; md?: boolean | undefined }): TableFormat {
  if (v.json === true && v.md === true) throw new UserError(`${command}: --json and --md cannot be combined`);
  return v.json === true ? "json" : v.md === true ? "md" : "plain";
}

/** `--precision N` (decimals; DVC's default is 5). */
export function precisionOf(command: string, raw: string | undefined, fallback = 5): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 20) throw new UserError(`${command}: --precision expects an integer 0-20, got "${raw}"`);
  return n;
}

/**
 * The side named `rev`: `workspace`; else a git revision (when in a git repo); else an experiment
 * recorded by pipe (by name or id). `undefined` means the default old side: HEAD in git, otherwise
 * the last recorded run.
 */
export async function sideFor(command: string, root: string, rev: string | undefined, workspace: Declared): Promise<Side> {
  if (rev === WORKSPACE) return workspaceSide(root, workspace);
  const inGit = await isGitRepo(root);
  if (inGit) {
    const side = await revisionSide(root, rev ?? "HEAD", defaultPipelineLoader);
    if (side.ok) return side.value;
    if (rev === undefined) throw new UserError(`${command}: HEAD has no commit yet; name a revision or experiment to compare with`);
  }
  const store = new ExpStore(root);
  if (rev === undefined) {
    const last = await store.latest();
    if (last === undefined) throw new UserError(`${command}: not a git repository and no run recorded by pipe yet (run pipe repro first)`);
    return storedSide(storedValues(last, `${last.name} (last run)`));
  }
  const record = await store.find(rev);
  if (record !== undefined) return storedSide(storedValues(record));
  throw new UserError(`${command}: unknown revision "${rev}"${inGit ? "" : " (not a git repository, and no experiment has that name)"}`);
}

/** Parse errors were collected per file: the table shows what could be read, then one line each. */
export function finish(cmd: string, errors: readonly string[]): number {
  if (errors.length === 0) return ExitCode.ok;
  throw new UserError(errors.map((e) => `${cmd}: ${e}`).join("\n"), ExitCode.badPipeline);
}
