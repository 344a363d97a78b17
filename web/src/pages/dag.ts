// The pipeline DAG as SVG: dagre lays the stages out left to right, each node coloured by state.
// Nodes carry data-stage / data-state so the live stream can recolour them without a relayout.
import dagre from "@dagrejs/dagre";
import type { Graph, Point } from "@dagrejs/dagre";
import type { PipelineResponse, StageState } from "../../../engine/src/ui/api.js";
import { svg } from "../dom.js";
import { STATE_LABEL } from "../stage-state.js";

const NODE_H = 46;

export interface DagView {
  readonly element: SVGSVGElement;
  /** Recolour one stage in place. */
  setState(stage: string, state: StageState): void;
  select(stage: string | null): void;
}

/** The node's second line: the state, and for a stale stage its first reason, cut to the node's width. */
function stateText(state: StageState, reasons: readonly string[], width: number): string {
  const first = reasons[0];
  if (state !== "stale" || first === undefined) return STATE_LABEL[state];
  const text = `stale: ${first}${reasons.length > 1 ? ` +${reasons.length - 1}` : ""}`;
  const fits = Math.floor((width - 24) / 6.1);
  return text.length <= fits ? text : `${text.slice(0, fits - 1)}…`;
}

const MARGIN = 16;

/** The smallest box around every node and edge point, with a margin. */
function bounds(g: Graph): { minX: number; minY: number; maxX: number; maxY: number } {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const take = (x: number, y: number): void => {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  };
  for (const name of g.nodes()) {
    const n = g.node(name) as { x: number; y: number; width: number; height: number };
    take(n.x - n.width / 2, n.y - n.height / 2);
    take(n.x + n.width / 2, n.y + n.height / 2);
  }
  for (const e of g.edges()) for (const pt of (g.edge(e) as { points?: Point[] }).points ?? []) take(pt.x, pt.y);
  if (minX === Infinity) return { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  return { minX: minX - MARGIN, minY: minY - MARGIN, maxX: maxX + MARGIN, maxY: maxY + MARGIN };
}

export function drawDag(p: PipelineResponse, stateOf: (name: string) => StageState, onClick: (name: string) => void): DagView {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 28, ranksep: 64, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of p.stages) {
    const second = stateText(stateOf(s.name), s.reasons, 1e9);
    g.setNode(s.name, { width: Math.max(120, 8.2 * s.name.length + 44, Math.min(320, 6.1 * second.length + 30)), height: NODE_H });
  }
  for (const e of p.edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  dagre.layout(g);
  // The box holds every node and every edge point: dagre routes some edges around the nodes'
  // box (above or below it), which a viewBox of the graph's own width and height would cut off.
  const box = bounds(g);
  const width = Math.max(box.maxX - box.minX, 200);
  const height = Math.max(box.maxY - box.minY, 80);

  const root = svg("svg", {
    class: "dag",
    viewBox: `${box.minX} ${box.minY} ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": "pipeline DAG",
  });
  root.appendChild(
    svg(
      "defs",
      {},
      svg(
        "marker",
        { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
        svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }),
      ),
    ),
  );
  for (const e of g.edges()) {
    const pts: readonly Point[] = (g.edge(e) as { points?: Point[] }).points ?? [];
    if (pts.length === 0) continue;
    const d = pts.map((pt, i) => `${i === 0 ? "M" : "L"}${pt.x.toFixed(1)},${pt.y.toFixed(1)}`).join(" ");
    root.appendChild(svg("path", { d, class: "edge", "marker-end": "url(#arrow)", "data-from": e.v, "data-to": e.w }));
  }
  const nodes = new Map<string, SVGGElement>();
  for (const s of p.stages) {
    const n = g.node(s.name) as { x: number; y: number; width: number };
    const state = stateOf(s.name);
    const group = svg(
      "g",
      {
        class: `node st-${state}`,
        "data-stage": s.name,
        "data-state": state,
        transform: `translate(${n.x - n.width / 2},${n.y - NODE_H / 2})`,
        tabindex: 0,
        role: "button",
      },
      svg("title", {}, s.reasons.length > 0 ? `${s.name}: ${s.reasons.join("; ")}` : `${s.name}: ${STATE_LABEL[state]}`),
      svg("rect", { width: n.width, height: NODE_H, rx: 8, ry: 8 }),
      svg("rect", { class: "stripe", width: 6, height: NODE_H, rx: 3, ry: 3 }),
      svg("text", { x: 16, y: 19, class: "name" }, s.name),
      svg("text", { x: 16, y: 35, class: "state" }, stateText(state, s.reasons, n.width)),
    );
    group.addEventListener("click", () => onClick(s.name));
    group.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") onClick(s.name);
    });
    nodes.set(s.name, group);
    root.appendChild(group);
  }
  return {
    element: root,
    setState(stage, state) {
      const node = nodes.get(stage);
      if (node === undefined) return;
      node.setAttribute("class", `node st-${state}${node.classList.contains("selected") ? " selected" : ""}`);
      node.setAttribute("data-state", state);
      const label = node.querySelector("text.state");
      if (label !== null) label.textContent = STATE_LABEL[state];
    },
    select(stage) {
      for (const [name, node] of nodes) node.classList.toggle("selected", name === stage);
    },
  };
}
