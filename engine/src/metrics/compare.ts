// Resolves the two sides of `metrics diff` / `params diff` (a git revision, the workspace, or a
// recorded experiment when there is no git) and computes the diff between them.
import type { Result } from "../diagnostics/types.js";
import { err, ok } from "../diagnostics/types.js";
import { readMetrics, readParams } from "./collect.js";
import type { Declared } from "./declared.js";
import { declaredOf, emptyDeclared, mergeDeclared } from "./declared.js";
import { diffSnapshots, snapshotErrors } from "./diff.js";
import type { MetricsDiff, Snapshot } from "./diff.js";
import { gitConfigFs, resolveRevision } from "../git/index.js";
import type { PipelineLoader } from "../git/index.js";
import { gitReader, WORKSPACE, workspaceReader } from "./trees.js";
import type { TreeReader } from "./trees.js";

/** Values recorded by `pipe` itself (an experiment), used where no tree can be read. */
export interface StoredValues {
  readonly label: string;
  readonly metrics: Snapshot;
  readonly params: Snapshot;
}

/** One side of a comparison: a tree to read (with its own declarations when known) or stored values. */
export type Side =
  | { readonly kind: "tree"; readonly label: string; readonly reader: TreeReader; readonly declared: Declared | null }
  | { readonly kind: "stored"; readonly label: string; readonly values: StoredValues };

export type Aspect = "metrics" | "params";

/** The workspace side; its declarations come from the already-loaded workspace pipeline. */
export function workspaceSide(root: string, declared: Declared): Side {
  return { kind: "tree", label: WORKSPACE, reader: workspaceReader(root), declared };
}

/**
 * A git revision side: `rev` is verified with `git rev-parse --verify`, and the pipeline of that
 * commit is loaded (when it loads) so files declared only there are compared too.
 */
export async function revisionSide(root: string, rev: string, load: PipelineLoader): Promise<Result<Side, string>> {
  if (rev === WORKSPACE) return err(`"${WORKSPACE}" needs the workspace pipeline; use workspaceSide`);
  const commit = await resolveRevision(root, rev);
  if (!commit.ok) return commit;
  let declared: Declared | null = null;
  try {
    const loaded = await load(root, { fs: gitConfigFs(root, commit.value) });
    if (loaded.ok) declared = declaredOf(loaded.value);
  } catch {
    declared = null; // an old revision whose pipeline no longer loads: use the other side's declarations
  }
  return ok({ kind: "tree", label: rev, reader: gitReader(root, commit.value, rev), declared });
}

export function storedSide(values: StoredValues): Side {
  return { kind: "stored", label: values.label, values };
}

/** Declarations to compare: the union of both sides' (stored sides contribute none). */
export function comparedDeclared(sides: readonly Side[]): Declared {
  return sides.reduce<Declared>(
    (acc, s) => (s.kind === "tree" && s.declared !== null ? mergeDeclared(acc, s.declared) : acc),
    emptyDeclared,
  );
}

export async function snapshotOf(side: Side, aspect: Aspect, declared: Declared): Promise<Snapshot> {
  if (side.kind === "stored") return side.values[aspect];
  return aspect === "metrics" ? readMetrics(side.reader, declared.metrics) : readParams(side.reader, declared.params);
}

export interface Comparison {
  readonly old: string;
  readonly new: string;
  readonly diff: MetricsDiff;
  /** Per-file parse errors on either side, one line each (`HEAD: metrics/x.json: not valid JSON ...`). */
  readonly errors: readonly string[];
}

export async function compare(a: Side, b: Side, aspect: Aspect, opts: { all?: boolean } = {}): Promise<Comparison> {
  const declared = comparedDeclared([a, b]);
  const [sa, sb] = await Promise.all([snapshotOf(a, aspect, declared), snapshotOf(b, aspect, declared)]);
  return {
    old: a.label,
    new: b.label,
    diff: diffSnapshots(sa, sb, opts.all === true ? { all: true } : {}),
    errors: snapshotErrors([
      { label: a.label, snapshot: sa },
      { label: b.label, snapshot: sb },
    ]),
  };
}
