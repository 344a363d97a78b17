// Sentences for the data a run's events carry: why a stage failed, why it was skipped.
// Exhaustive switches: a new kind of failure does not compile until it has its sentence.
import type { SkipReason, StageFailure } from "../events/index.js";

export function describeFailure(f: StageFailure): string {
  switch (f.kind) {
    case "exit-code":
      return `'${f.command}' exited with code ${f.code}`;
    case "signal":
      return `'${f.command}' was killed by ${f.signal}`;
    case "spawn-error":
      return `could not run '${f.command}': ${f.error}`;
    case "missing-output":
      return `missing output: ${f.path}`;
    case "missing-dep":
      return `dependency missing: ${f.path}`;
    case "outside-project":
      return `'${f.path}' leads out of the project (to ${f.target}); pipe neither follows nor saves it`;
    case "slurm-job": {
      const code = f.exitCode === null ? "" : f.signal !== null && f.signal !== 0 ? `, signal ${f.signal}` : `, exit code ${f.exitCode}`;
      const tail = f.tail.length === 0 ? " (empty)" : `; last lines:\n${f.tail.map((l) => `    | ${l}`).join("\n")}`;
      return `Slurm job ${f.jobId} ended ${f.state}${code}; log ${f.log}${tail}`;
    }
    case "slurm-submit":
      return `could not submit the job: ${f.error}`;
    case "interrupted":
      return "interrupted";
    case "internal":
      return f.message;
    default: {
      const never: never = f;
      throw new Error(`unknown failure ${JSON.stringify(never)}`);
    }
  }
}

export function describeSkip(s: SkipReason): string {
  switch (s.kind) {
    case "upstream-failed":
      return `upstream stage '${s.stage}' failed`;
    case "upstream-skipped":
      return `upstream stage '${s.stage}' was skipped`;
    case "run-stopped":
      return "not started: the run stopped";
    default: {
      const never: never = s;
      throw new Error(`unknown skip reason ${JSON.stringify(never)}`);
    }
  }
}
