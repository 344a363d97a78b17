// The `[core]` keys of Slurm jobs on nodes without a shared file system, read by
// session/slurm-settings.ts from `.pipe/config` / `.pipe/config.local`: `slurm_shared_fs`,
// `slurm_remote` (else the default remote) and `slurm_pipe` (how the node starts pipe).
import type { IniSection } from "../remote/config/index.js";

export interface StagedSettings {
  /** false: each job pulls its deps from the remote and pushes its outs back (slurm-staged.ts). */
  sharedFs: boolean;
  /** The remote the jobs use; undefined: `repro -r`, else the default remote. */
  remote?: string;
  /** The command words that start pipe on the node; undefined: this node and this pipe's paths. */
  pipe?: string[];
}

const TRUE = ["true", "yes", "on", "1"];
const FALSE = ["false", "no", "off", "0"];

/** Reads the keys of one `[core]` section into `into` (later files win); a bad value is a one-line error. */
export function readStagedKeys(file: string, section: IniSection, into: StagedSettings): string | null {
  if (section.name !== "core") return null;
  const shared = section.entries.get("slurm_shared_fs");
  if (shared !== undefined) {
    const v = shared.value.trim().toLowerCase();
    if (TRUE.includes(v)) into.sharedFs = true;
    else if (FALSE.includes(v)) into.sharedFs = false;
    else return `${file}:${shared.line}: [core] slurm_shared_fs must be true or false, got '${shared.value}'`;
  }
  const remote = section.entries.get("slurm_remote");
  if (remote !== undefined) {
    if (remote.value.trim() === "") return `${file}:${remote.line}: [core] slurm_remote is empty (name a remote, or remove the line for the default one)`;
    into.remote = remote.value.trim();
  }
  const pipe = section.entries.get("slurm_pipe");
  if (pipe !== undefined) {
    const words = pipe.value.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0)
      return `${file}:${pipe.line}: [core] slurm_pipe is empty (the command that starts pipe on a node, e.g. '/opt/node/bin/node /opt/pipe/bin/pipe.js')`;
    into.pipe = words;
  }
  return null;
}
