// Who holds a lock file, said so that a reused pid cannot pass for its holder: the pid with the
// process's start time (from /proc/PID/stat), the boot id and the host name. A holder on another
// host is never declared dead from here (its pid means nothing on this machine).
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface Holder {
  readonly pid: number;
  readonly host: string;
  /** `/proc/sys/kernel/random/boot_id`: a pid of another boot is never alive now. */
  readonly boot: string;
  /** Start time of the process in clock ticks since boot (field 22 of /proc/PID/stat); "" when unknown. */
  readonly start: string;
  /** When the lock was taken, ISO 8601. */
  readonly since: string;
  /** A random token naming this hold (takeover guards are named after it). */
  readonly token: string;
}

/** What the host's /proc says of a process, injectable for tests. */
export interface ProcessTable {
  readonly host: string;
  readonly boot: string;
  /** (start ticks, state letter) of a live pid, or null when there is no such process. */
  stat(pid: number): { readonly start: string; readonly state: string } | null;
  /** Signal-0 probe, for systems without /proc. */
  exists(pid: number): boolean;
}

const readOr = (path: string, fallback: string): string => {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return fallback;
  }
};

/** Fields of /proc/PID/stat after the command name, which may itself hold spaces and parentheses. */
function procStat(pid: number): { start: string; state: string } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state); field 22 (starttime) is rest[19].
  const state = rest[0] ?? "";
  const start = rest[19] ?? "";
  return { start, state };
}

let hostTable: ProcessTable | undefined;

/** This host's process table (/proc where there is one, else the signal-0 probe alone). */
export function hostProcesses(): ProcessTable {
  hostTable ??= {
    host: hostname(),
    boot: readOr("/proc/sys/kernel/random/boot_id", ""),
    stat: procStat,
    exists: (pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
      }
    },
  };
  return hostTable;
}

/** The identity of process `pid` (normally this one) as it goes into a lock file. */
export function holderOf(pid: number, token: string, procs: ProcessTable = hostProcesses(), now = new Date()): Holder {
  return { pid, host: procs.host, boot: procs.boot, start: procs.stat(pid)?.start ?? "", since: now.toISOString(), token };
}

export type Liveness = "alive" | "dead" | "elsewhere";

/**
 * Whether the holder still runs: `elsewhere` for another host (never taken over from here), `dead`
 * for another boot, a vanished pid, a zombie, or a pid now owned by a process that started later.
 */
export function liveness(h: Holder, procs: ProcessTable = hostProcesses()): Liveness {
  if (h.host !== procs.host) return "elsewhere";
  if (h.boot !== "" && procs.boot !== "" && h.boot !== procs.boot) return "dead";
  const st = procs.stat(h.pid);
  if (st === null) return procs.boot === "" && procs.exists(h.pid) ? "alive" : "dead";
  if (st.state === "Z" || st.state === "X") return "dead";
  if (h.start !== "" && st.start !== h.start) return "dead";
  return "alive";
}

/** The holder in a lock file's text, or null when it is not one (garbage, or a half-written file). */
export function parseHolder(text: string): Holder | null {
  try {
    const raw = JSON.parse(text) as Partial<Holder> | null;
    if (raw === null || typeof raw !== "object") return null;
    if (!Number.isInteger(raw.pid) || typeof raw.host !== "string" || typeof raw.token !== "string") return null;
    return {
      pid: raw.pid as number,
      host: raw.host,
      boot: typeof raw.boot === "string" ? raw.boot : "",
      start: typeof raw.start === "string" ? raw.start : "",
      since: typeof raw.since === "string" ? raw.since : "",
      token: raw.token,
    };
  } catch {
    return null;
  }
}

/** "pid 123 on host-a, since 2026-12-04T18:22:07.000Z" for messages. */
export function describeHolder(h: Holder): string {
  return `pid ${h.pid} on ${h.host}${h.since === "" ? "" : `, started ${h.since}`}`;
}
