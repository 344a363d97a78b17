// Who an experiment's workspace belongs to: `<folder>.owner.json` beside it names the running pipe
// (a Holder: pid, start time, boot, host) and the queued entry it runs, so a later `--run-all`
// can tell the workspaces of a killed pipe (SIGKILL, a crash) from those of one still running.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { holderOf, liveness, parseHolder, type Holder } from "../files/holder.js";
import { WORKSPACES_DIR } from "./workspace-make.js";

export interface WorkspaceOwner {
  readonly holder: Holder;
  /** The queued entry the workspace runs (to go back to the queue when its pipe was killed). */
  readonly entry: string;
  readonly name: string;
}

const SUFFIX = ".owner.json";
const ownerPath = (dir: string): string => join(dirname(dir), `${basename(dir)}${SUFFIX}`);

/** Marks workspace `dir` as this process's, running queued entry `entry`. */
export function claimWorkspace(dir: string, entry: string, name: string): void {
  const owner: WorkspaceOwner = { holder: holderOf(process.pid, randomBytes(6).toString("hex")), entry, name };
  writeFileSync(ownerPath(dir), JSON.stringify(owner, null, 2) + "\n");
}

/** Drops the mark (a kept workspace has none: nothing will ever collect it). */
export function disownWorkspace(dir: string): void {
  rmSync(ownerPath(dir), { force: true });
}

/** A workspace whose pipe is gone. */
export interface AbandonedWorkspace {
  readonly dir: string;
  readonly owner: WorkspaceOwner;
}

/** The workspaces under `root` whose owning pipe is dead on this host (one of another host is left alone). */
export function abandonedWorkspaces(root: string): AbandonedWorkspace[] {
  const base = join(root, WORKSPACES_DIR);
  let names: string[];
  try {
    names = readdirSync(base).filter((n) => n.endsWith(SUFFIX));
  } catch {
    return [];
  }
  const out: AbandonedWorkspace[] = [];
  for (const n of names.sort()) {
    const owner = readOwner(join(base, n));
    if (owner !== null && liveness(owner.holder) === "dead") out.push({ dir: join(base, n.slice(0, -SUFFIX.length)), owner });
  }
  return out;
}

function readOwner(path: string): WorkspaceOwner | null {
  try {
    const raw = JSON.parse(readFileSync(path, "utf8")) as { holder?: unknown; entry?: unknown; name?: unknown };
    const holder = parseHolder(JSON.stringify(raw.holder ?? null));
    if (holder === null || typeof raw.entry !== "string" || typeof raw.name !== "string") return null;
    return { holder, entry: raw.entry, name: raw.name };
  } catch {
    return null; // half-written or not ours
  }
}
