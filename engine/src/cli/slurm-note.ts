// The line `repro --dry` and `status` add when Slurm jobs run without a shared file system: the
// stages they list would not only be submitted, their deps and outs would go through a remote.
import type { ExecutorSettings } from "../session/slurm-settings.js";

/** `null` unless the slurm executor runs jobs without a shared file system. */
export function stagedNote(settings: Pick<ExecutorSettings, "executor" | "staged">): string | null {
  if (settings.executor !== "slurm" || settings.staged.sharedFs) return null;
  const remote = settings.staged.remote === undefined ? "the default remote (or repro -r NAME)" : `remote '${settings.staged.remote}'`;
  return `note: Slurm jobs without a shared file system (slurm_shared_fs = false): each job's deps and outs go through ${remote}\n`;
}
