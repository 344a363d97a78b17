// Stages as Slurm jobs: the StageExecutor, the recovery of jobs a killed pipe left, and the pure
// pieces (script, sbatch arguments, states) shown by `--dry` and tested alone.
export type { CommandOptions, CommandResult, SlurmCommand, SlurmResources, SlurmRunner } from "./types.js";
export { slurmExecutor, fileSafe, type SlurmExecutorOptions } from "./executor.js";
export { processRunner } from "./runner.js";
export { recoverStrayJobs, strayAction, type StrayAction, type StrayOptions } from "./strays.js";
export { describeResources, jobScript, resourceArgs, sbatchArgs, parseJobId, shQuote } from "./script.js";
export { hasEnded, normalizeState, parseSacct, parseScontrolJob, parseSqueue, type JobEnd } from "./states.js";
export { DEFAULT_POLL, pollDelay, type PollTiming } from "./poll-delay.js";
export { listRecords, jobsDir, slurmDir, type JobRecord } from "./records.js";
export { createWatcher, jobEnd, type JobWatcher } from "./watcher.js";
