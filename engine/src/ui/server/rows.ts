// A row of the experiments table as a comparison side: the workspace, a git revision (`rev:NAME`)
// or a recorded experiment (its id), resolved to the metrics/ side and tree reader the CLI's
// `metrics diff` and `plots diff` use for the same name. Unknown ids are 404s.
import type { ExperimentRecord } from "../../exp/index.js";
import { recordReader, storedValues } from "../../exp/index.js";
import { defaultPipelineLoader } from "../../git/index.js";
import type { Declared, Side, TreeReader } from "../../metrics/index.js";
import { revisionSide, storedSide, WORKSPACE, workspaceSide } from "../../metrics/index.js";
import type { ExperimentCache } from "./exp-cache.js";
import { HttpError } from "./http-error.js";

export const WORKSPACE_ID = WORKSPACE;
export const REV_PREFIX = "rev:";

/** One selected row, ready to be read. */
export interface RowSource {
  readonly id: string;
  readonly kind: "workspace" | "revision" | "experiment";
  /** What the row is called: `workspace`, the revision name, the experiment name. */
  readonly label: string;
  /** The metrics/params side (tree or stored values). */
  readonly side: Side;
  /** Where its plot files are read. */
  readonly plots: TreeReader;
  /** The pipeline's declarations on that side, when it has its own (workspace, revisions). */
  readonly declared: Declared | null;
  readonly record?: ExperimentRecord;
}

/** The comma-separated `ids` query: at least `min`, at most 100, no duplicates; a 400 otherwise. */
export function parseIds(raw: unknown, min: number): string[] {
  if (typeof raw !== "string" || raw.trim() === "") throw new HttpError(400, `ids: expected a comma-separated list of row ids (at least ${min})`);
  const ids = raw.split(",").map((s) => s.trim());
  if (ids.some((s) => s === "")) throw new HttpError(400, `ids: empty id in "${raw}"`);
  if (ids.length < min) throw new HttpError(400, `ids: expected at least ${min} row ids, got ${ids.length}`);
  if (ids.length > 100) throw new HttpError(400, `ids: at most 100 rows at once, got ${ids.length}`);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new HttpError(400, `ids: "${id}" appears twice`);
    seen.add(id);
  }
  return ids;
}

export async function resolveRow(root: string, workspaceDeclared: Declared, id: string, experiments: ExperimentCache): Promise<RowSource> {
  if (id === WORKSPACE_ID) {
    const side = workspaceSide(root, workspaceDeclared);
    return { id, kind: "workspace", label: WORKSPACE, side, plots: side.kind === "tree" ? side.reader : emptyReader(id), declared: workspaceDeclared };
  }
  if (id.startsWith(REV_PREFIX)) {
    const name = id.slice(REV_PREFIX.length);
    const side = name === "" ? null : await revisionSide(root, name, defaultPipelineLoader);
    if (side === null || !side.ok) throw new HttpError(404, `unknown revision "${name}" (row ${id})`);
    const tree = side.value;
    return {
      id,
      kind: "revision",
      label: name,
      side: tree,
      plots: tree.kind === "tree" ? tree.reader : emptyReader(name),
      declared: tree.kind === "tree" ? tree.declared : null,
    };
  }
  const record = await experiments.byId(id);
  if (record === undefined) throw new HttpError(404, `unknown row "${id}" (expected an experiment id, "workspace" or "rev:NAME")`);
  return { id, kind: "experiment", label: record.name, side: storedSide(storedValues(record)), plots: recordReader(record), declared: null, record };
}

export async function resolveRows(root: string, workspaceDeclared: Declared, ids: readonly string[], experiments: ExperimentCache): Promise<RowSource[]> {
  return Promise.all(ids.map((id) => resolveRow(root, workspaceDeclared, id, experiments)));
}

function emptyReader(label: string): TreeReader {
  return { label, readText: () => Promise.resolve(undefined) };
}
