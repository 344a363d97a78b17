// Each stage's last log, `.cache/logs/<stage>.log`: the output of the stage's last run, kept in a
// temp file while it runs and renamed into place when it ends, under a first line that says which
// run, when, how it ended and how long it took. A restored or fresh stage keeps its previous log.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { EventSink, RunEvent } from "../events/index.js";

/** Where the last logs live, relative to the project root. */
export const LOGS_DIR = ".cache/logs";

/**
 * A stage name as a file name, reversibly: letters, digits and `@ = . _ , + -` stay; every other
 * byte (`/`, `:`, `%`, spaces...) becomes `%XX`. A leading `.` is escaped too (no hidden files).
 */
export function lastLogName(stage: string): string {
  let out = "";
  for (const b of Buffer.from(stage, "utf8")) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9@=._,+-]/.test(c) && !(out === "" && c === ".") ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return `${out}.log`;
}

export const lastLogPath = (root: string, stage: string): string => join(root, LOGS_DIR, lastLogName(stage));

/** What a last log's first line says. */
export interface LastLogHeader {
  readonly runId: string;
  readonly startedAt: string;
  /** `ran`, or `failed` (the only outcomes of a stage that started). */
  readonly outcome: string;
  readonly durationMs: number;
}

export function headerLine(h: LastLogHeader): string {
  return `# pipe: run ${h.runId} started ${h.startedAt} ${h.outcome} in ${h.durationMs} ms`;
}

const HEADER = /^# pipe: run (\S+) started (\S+) (\S+) in (\d+) ms$/;

export function parseHeader(line: string): LastLogHeader | null {
  const m = HEADER.exec(line);
  if (m === null) return null;
  return { runId: m[1] ?? "", startedAt: m[2] ?? "", outcome: m[3] ?? "", durationMs: Number(m[4]) };
}

/** A stage's last log: its header (null when the first line is not one) and its whole text; null when it has none. */
export function readLastLog(root: string, stage: string): { header: LastLogHeader | null; text: string } | null {
  let text: string;
  try {
    text = readFileSync(lastLogPath(root, stage), "utf8");
  } catch {
    return null;
  }
  return { header: parseHeader(text.slice(0, text.indexOf("\n") === -1 ? text.length : text.indexOf("\n"))), text };
}

interface Open {
  readonly fd: number;
  readonly tmp: string;
  readonly startedAt: string;
}

/** Temp files older than this are left by a killed run: removed when the next run starts. */
const STALE_TMP_MS = 60 * 60 * 1000;

export interface LastLogSink {
  readonly sink: EventSink;
  /** The run is over: temp files of stages that never ended are removed. */
  readonly close: () => void;
}

/** The sink that keeps last logs under `root`. Best effort: a write that fails drops that stage's log, never the run. */
export function stageLastLogSink(root: string, now: () => number = Date.now): LastLogSink {
  const dir = join(root, LOGS_DIR);
  const open = new Map<string, Open>();
  let swept = false;
  const drop = (stage: string): void => {
    const o = open.get(stage);
    open.delete(stage);
    if (o === undefined) return;
    try {
      closeSync(o.fd);
    } catch {
      /* closed already */
    }
    rmSync(o.tmp, { force: true });
  };
  const start = (e: RunEvent & { type: "stage-start" }): void => {
    drop(e.stage);
    try {
      mkdirSync(dir, { recursive: true });
      if (!swept) sweep(dir, now());
      swept = true;
      const tmp = join(dir, `.${lastLogName(e.stage)}.${e.runId}.tmp`);
      open.set(e.stage, { fd: openSync(tmp, "w"), tmp, startedAt: new Date(now()).toISOString() });
    } catch {
      /* no log for this stage this time */
    }
  };
  const write = (stage: string, line: string): void => {
    const o = open.get(stage);
    if (o === undefined) return;
    try {
      writeSync(o.fd, `${line}\n`);
    } catch {
      drop(stage);
    }
  };
  const done = (e: RunEvent & { type: "stage-done" }): void => {
    const o = open.get(e.stage);
    if (o === undefined) return;
    try {
      closeSync(o.fd);
      const body = readFileSync(o.tmp, "utf8");
      writeFileSync(o.tmp, `${headerLine({ runId: e.runId, startedAt: o.startedAt, outcome: e.outcome, durationMs: Math.round(e.durationMs) })}\n${body}`);
      renameSync(o.tmp, lastLogPath(root, e.stage));
      open.delete(e.stage);
    } catch {
      open.delete(e.stage);
      rmSync(o.tmp, { force: true });
    }
  };
  return {
    sink: (e: RunEvent) => {
      if (e.type === "stage-start") start(e);
      else if (e.type === "stage-output") write(e.stage, e.stream === "stderr" ? `[stderr] ${e.line}` : e.line);
      else if (e.type === "stage-done") done(e);
    },
    close: () => {
      for (const stage of [...open.keys()]) drop(stage);
    },
  };
}

function sweep(dir: string, t: number): void {
  for (const n of readdirSync(dir)) {
    if (!n.startsWith(".") || !n.endsWith(".tmp")) continue;
    try {
      if (t - statSync(join(dir, n)).mtimeMs > STALE_TMP_MS) rmSync(join(dir, n), { force: true });
    } catch {
      /* gone already */
    }
  }
}
