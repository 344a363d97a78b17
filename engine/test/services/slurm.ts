// A Slurm cluster for tests: the one-node localhost cluster of scripts/slurm-cluster.sh (Debian's
// slurmctld, slurmd, munge, started as root), started when no cluster answers and stopped after
// only when this helper started it (the benchmark or a developer may be using one already).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { REPO } from "../helpers/rig.js";

const SCRIPT = join(REPO, "scripts", "slurm-cluster.sh");

export interface SlurmService {
  /** Whether this helper started the daemons (and so stops them). */
  readonly started: boolean;
  stop(): void;
}

/** Whether this machine can run the cluster tests: the Slurm daemons and clients, munge, and root. */
export function slurmAvailable(): boolean {
  const tools = ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch", "/usr/bin/squeue", "/usr/bin/scontrol"];
  return tools.every((t) => existsSync(t)) && process.getuid?.() === 0;
}

function cluster(verb: "start" | "stop" | "status", env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(SCRIPT, [verb], { encoding: "utf8", env, timeout: 60_000 });
}

/**
 * The cluster, started unless one already answers. At least 2 CPUs (a 1-core machine announces 2)
 * so the tests can see two jobs run at once.
 */
export function startSlurm(): SlurmService {
  if (cluster("status").status === 0) return { started: false, stop: () => {} };
  const cpus = Math.max(2, availableParallelism()).toString();
  const r = cluster("start", { ...process.env, PIPE_SLURM_CPUS: cpus });
  if (r.status !== 0) throw new Error(`scripts/slurm-cluster.sh start failed: ${r.stderr.trim()}`);
  return {
    started: true,
    stop: () => {
      cluster("stop");
    },
  };
}

/** `scontrol show job`'s fields for a job the cluster still keeps (MinJobAge). */
export function jobInfo(jobId: string): Map<string, string> {
  const r = spawnSync("scontrol", ["-o", "show", "job", jobId], { encoding: "utf8" });
  const fields = new Map<string, string>();
  for (const m of r.stdout.matchAll(/(?:^|\s)([A-Za-z/:]+)=(\S*)/g)) if (!fields.has(m[1] as string)) fields.set(m[1] as string, m[2] as string);
  return fields;
}
