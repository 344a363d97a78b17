// Wiring of a run's events: stamp each with the run id, and fan one stream out to several sinks.
import type { Emit, EventSink, RunEvent } from "./events.js";

/**
 * A time-sortable id for one run: base36 milliseconds and 8 random hex digits. Math.random is
 * enough to tell runs apart (it names, it does not secure) and keeps node:crypto off the no-op path.
 */
export function newRunId(now: number = Date.now()): string {
  const rand = Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, "0");
  return `${now.toString(36)}-${rand}`;
}

/** One sink that hands every event to each of `sinks`, in order. */
export function fanOut(...sinks: readonly EventSink[]): EventSink {
  if (sinks.length === 1) return sinks[0] as EventSink;
  return (event: RunEvent) => {
    for (const sink of sinks) sink(event);
  };
}

/** The executor's emitter for run `runId`: every event reaches `sink` carrying that id. */
export function emitTo(runId: string, sink: EventSink): Emit {
  return (body) => sink({ ...body, runId });
}
