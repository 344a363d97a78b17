// The live stream: one EventSource on /api/events for the page's life. Messages are normalised to
// api.ts's LiveMessage (unknown types are ignored), folded into the run views the Live page and the
// DAG read, then published to the pages.
import type { ActiveRunResponse, LiveMessage, StageState } from "../../engine/src/ui/api.js";
import type { RunEvent } from "../../engine/src/events/events.js";
import { publish } from "./state.js";

export interface OutputLine {
  readonly stage: string;
  readonly stream: "stdout" | "stderr";
  readonly line: string;
}

export interface RunView {
  readonly id: string;
  planned: string[];
  running: Set<string>;
  done: Map<string, string>;
  lines: OutputLine[];
  summary: Extract<RunEvent, { type: "summary" }> | null;
  readonly startedAt: number;
}

const MAX_LINES = 2000;
const RUN_TYPES = new Set(["plan", "stage-start", "stage-output", "stage-done", "warning", "summary"]);

export const live = {
  runs: new Map<string, RunView>(),
  /** Stage states the stream says, over what /api/pipeline last said (until the DAG reloads after a run). */
  overlay: new Map<string, StageState>(),
  connected: false,
};

/** A `run` message's event from SSE data, whichever way the server frames it. */
export function normalise(name: string, data: unknown): LiveMessage | null {
  if (typeof data !== "object" || data === null) return name === "experiments-changed" || name === "pipeline-changed" ? { type: name } : null;
  const t = (data as { type?: unknown }).type;
  if (t === "run" && typeof (data as { event?: unknown }).event === "object") return data as LiveMessage;
  if (t === "experiments-changed" || t === "pipeline-changed") return { type: t };
  if (typeof t === "string" && RUN_TYPES.has(t)) return { type: "run", event: data as RunEvent };
  if (name === "experiments-changed" || name === "pipeline-changed") return { type: name };
  return null;
}

function viewOf(id: string): RunView {
  let v = live.runs.get(id);
  if (v === undefined) {
    v = { id, planned: [], running: new Set(), done: new Map(), lines: [], summary: null, startedAt: Date.now() };
    live.runs.set(id, v);
  }
  return v;
}

function fold(e: RunEvent): void {
  const v = viewOf(e.runId);
  switch (e.type) {
    case "plan":
      v.planned = [...e.stages];
      break;
    case "stage-start":
      v.running.add(e.stage);
      live.overlay.set(e.stage, "running");
      break;
    case "stage-output":
      v.lines.push({ stage: e.stage, stream: e.stream, line: e.line });
      if (v.lines.length > MAX_LINES) v.lines.splice(0, v.lines.length - MAX_LINES);
      break;
    case "stage-done":
      v.running.delete(e.stage);
      v.done.set(e.stage, e.outcome);
      if (e.outcome === "failed") live.overlay.set(e.stage, "failed");
      else if (e.outcome === "frozen") live.overlay.set(e.stage, "frozen");
      else if (e.outcome === "skipped") live.overlay.delete(e.stage);
      else live.overlay.set(e.stage, "fresh");
      break;
    case "warning":
      v.lines.push({ stage: "", stream: "stderr", line: e.message });
      break;
    case "summary":
      v.summary = e;
      v.running.clear();
      break;
    default:
      // an event this page does not show (new kinds are ignored, not errors)
      break;
  }
}

/** After the DAG reloads from the server once a run is over, only failures still need the overlay. */
export function settleOverlay(): void {
  if ([...live.runs.values()].some((r) => r.summary === null)) return;
  for (const [stage, state] of live.overlay) if (state !== "failed") live.overlay.delete(stage);
}

const NAMES = ["message", "run", "experiments-changed", "pipeline-changed"];

/** A page opened mid-run: the active run's events so far (GET /api/runs/active), unless the stream already brought that run. */
async function catchUp(): Promise<void> {
  try {
    const res = await fetch("/api/runs/active");
    if (!res.ok) return;
    const body = (await res.json()) as ActiveRunResponse;
    if (body.runId === null || live.runs.has(body.runId)) return;
    for (const e of body.events) {
      fold(e);
      publish({ type: "run", event: e });
    }
  } catch {
    // an older server without the route: the page follows from now on
  }
}

export function connectLive(onStatus: (connected: boolean) => void): void {
  const source = new EventSource("/api/events");
  source.addEventListener("open", () => {
    live.connected = true;
    onStatus(true);
    void catchUp();
  });
  source.addEventListener("error", () => {
    live.connected = false;
    onStatus(false);
  });
  for (const name of NAMES) {
    source.addEventListener(name, (ev) => {
      let data: unknown;
      try {
        data = JSON.parse((ev as MessageEvent<string>).data);
      } catch {
        data = null;
      }
      const m = normalise(name, data);
      if (m === null) return;
      if (m.type === "run") fold(m.event);
      publish(m);
    });
  }
}
