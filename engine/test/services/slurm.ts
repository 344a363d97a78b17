// A Slurm cluster for tests: the one-node localhost cluster of scripts/slurm-cluster.sh (Debian's
// slurmctld, slurmd, munge, started as root), started when no cluster answers and stopped after
// only when tests started it, by the last test file using it (the benchmark may use one already).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { REPO } from "../helpers/rig.js";

const SCRIPT = join(REPO, "scripts", "slurm-cluster.sh");

export interface SlurmService {
  /** Whether test files started the daemons (so the last of them stops them). */
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

/** Where test files using the cluster register (several run at once under `npm test`). */
const DIR = process.env.PIPE_SLURM_DIR ?? "/var/lib/pipe-slurm";
const USERS = join(DIR, "test-users");
/** Present while a cluster started by a test file runs: the last test file to leave stops it. */
const STARTED_BY_TESTS = join(DIR, "started-by-tests");
const LOCK = join(DIR, "test-users.lock");

/** Runs `fn` holding a lock folder (mkdir is atomic); a lock older than 2 minutes is a crashed holder's. */
function locked<T>(fn: () => T): T {
  mkdirSync(DIR, { recursive: true });
  const t0 = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 120_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        /* just released */
      }
      if (Date.now() - t0 > 120_000) throw new Error(`${LOCK} stays taken`, { cause: e });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** The registered test processes still alive (the files of dead ones removed). */
function liveUsers(): string[] {
  mkdirSync(USERS, { recursive: true });
  return readdirSync(USERS).filter((name) => {
    if (alive(Number(name.split("-")[0]))) return true;
    rmSync(join(USERS, name), { force: true });
    return false;
  });
}

/**
 * The cluster, started unless one already answers. At least 2 CPUs (a 1-core machine announces 2)
 * so the tests can see two jobs run at once. Test files share it: each registers, and a cluster a
 * test file started is stopped by the last one to leave; one started otherwise is never stopped.
 */
export function startSlurm(): SlurmService {
  const me = `${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
  locked(() => {
    const users = liveUsers();
    if (cluster("status").status !== 0) {
      const cpus = Math.max(2, availableParallelism()).toString();
      const r = cluster("start", { ...process.env, PIPE_SLURM_CPUS: cpus });
      if (r.status !== 0) throw new Error(`scripts/slurm-cluster.sh start failed: ${r.stderr.trim()}`);
      writeFileSync(STARTED_BY_TESTS, "");
    } else if (users.length === 0) {
      // Answering with no test using it: someone else's cluster (or a test's that crashed); leave it.
      rmSync(STARTED_BY_TESTS, { force: true });
    }
    writeFileSync(join(USERS, me), "");
  });
  return {
    started: existsSync(STARTED_BY_TESTS),
    stop: () =>
      locked(() => {
        rmSync(join(USERS, me), { force: true });
        if (liveUsers().length > 0 || !existsSync(STARTED_BY_TESTS)) return;
        rmSync(STARTED_BY_TESTS, { force: true });
        cluster("stop");
      }),
  };
}

/** `scontrol show job`'s fields for a job the cluster still keeps (MinJobAge). */
export function jobInfo(jobId: string): Map<string, string> {
  const r = spawnSync("scontrol", ["-o", "show", "job", jobId], { encoding: "utf8" });
  const fields = new Map<string, string>();
  for (const m of r.stdout.matchAll(/(?:^|\s)([A-Za-z/:]+)=(\S*)/g)) if (!fields.has(m[1] as string)) fields.set(m[1] as string, m[2] as string);
  return fields;
}
