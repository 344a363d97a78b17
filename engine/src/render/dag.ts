// Pure renderers of the stage graph: ascii (layered, one line per stage with what it waits for),
// mermaid, graphviz dot and JSON. Deterministic: stages in topological order, edges sorted.

/** What `dag --json` tells about one stage: its resolved command (one string, or the list). */
export interface DagStage {
  readonly cmd: string | readonly string[];
}

export interface DagView {
  /** Stages in topological order. */
  readonly nodes: readonly string[];
  /** [upstream, downstream] pairs. */
  readonly edges: readonly (readonly [string, string])[];
  /** Per stage, for `--json` only (tools that need the interpolated commands); keys in node order. */
  readonly stages?: Readonly<Record<string, DagStage>>;
}

const sortEdges = (edges: readonly (readonly [string, string])[], nodes: readonly string[]): [string, string][] => {
  const idx = new Map(nodes.map((n, i) => [n, i] as const));
  return edges
    .map((e) => [e[0], e[1]] as [string, string])
    .sort((a, b) => (idx.get(a[0]) ?? 0) - (idx.get(b[0]) ?? 0) || (idx.get(a[1]) ?? 0) - (idx.get(b[1]) ?? 0));
};

/** Longest-path depth of each node (roots are 0). */
function layers(view: DagView): Map<string, number> {
  const depth = new Map<string, number>();
  for (const n of view.nodes) {
    const ups = view.edges.filter((e) => e[1] === n).map((e) => depth.get(e[0]) ?? 0);
    depth.set(n, ups.length === 0 ? 0 : Math.max(...ups) + 1);
  }
  return depth;
}

export function renderAscii(view: DagView): string {
  if (view.nodes.length === 0) return "(no stages)\n";
  const depth = layers(view);
  const edges = sortEdges(view.edges, view.nodes);
  const width = Math.max(...view.nodes.map((n) => n.length + 2 * (depth.get(n) ?? 0)));
  const lines = view.nodes.map((n) => {
    const indent = "  ".repeat(depth.get(n) ?? 0);
    const ups = edges.filter((e) => e[1] === n).map((e) => e[0]);
    const label = `${indent}${n}`;
    return ups.length === 0 ? label : `${label.padEnd(width)}  <- ${ups.join(", ")}`;
  });
  return `${lines.join("\n")}\n`;
}

const mermaidId = (n: string): string => n.replace(/[^A-Za-z0-9_]/g, "_");

export function renderMermaid(view: DagView): string {
  const lines = ["flowchart TD"];
  for (const n of view.nodes) lines.push(`  ${mermaidId(n)}["${n.replace(/"/g, "#quot;")}"]`);
  for (const [a, b] of sortEdges(view.edges, view.nodes)) lines.push(`  ${mermaidId(a)} --> ${mermaidId(b)}`);
  return `${lines.join("\n")}\n`;
}

export function renderDot(view: DagView): string {
  const q = (s: string): string => JSON.stringify(s);
  const lines = ["strict digraph {", "  rankdir=TB;", "  node [shape=box];"];
  for (const n of view.nodes) lines.push(`  ${q(n)};`);
  for (const [a, b] of sortEdges(view.edges, view.nodes)) lines.push(`  ${q(a)} -> ${q(b)};`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

export function renderJson(view: DagView): string {
  const base = { nodes: view.nodes, edges: sortEdges(view.edges, view.nodes) };
  const stages = view.stages;
  if (stages === undefined) return `${JSON.stringify(base)}\n`;
  const ordered = Object.fromEntries(view.nodes.filter((n) => Object.hasOwn(stages, n)).map((n) => [n, stages[n]]));
  return `${JSON.stringify({ ...base, stages: ordered })}\n`;
}
