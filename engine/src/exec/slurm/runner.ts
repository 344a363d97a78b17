// The real SlurmRunner: the Slurm client programs on PATH (sbatch, squeue, scontrol, scancel, sacct),
// run without a shell, their output collected whole (they print a few lines).
import { execFile } from "node:child_process";
import type { SlurmRunner } from "./types.js";

export const processRunner: SlurmRunner = (command, args, opts = {}) =>
  new Promise((resolve) => {
    execFile(
      command,
      [...args],
      {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        ...(opts.env === undefined ? {} : { env: opts.env }),
        ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
      },
      (error, stdout, stderr) => {
        if (error === null) return resolve({ code: 0, stdout, stderr });
        const code = (error as NodeJS.ErrnoException).code;
        if (typeof code === "string") return resolve({ code: null, stdout, stderr, error: `${command}: ${error.message}` });
        resolve({ code: typeof code === "number" ? code : 1, stdout, stderr });
      },
    );
  });
