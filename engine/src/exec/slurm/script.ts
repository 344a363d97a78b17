// The batch script of one stage and the sbatch arguments it is submitted with. Pure: the executor
// writes the text and runs sbatch with these arguments.
import type { SlurmResources } from "./types.js";

/** A word quoted for sh: `'it'\''s'`. */
export const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Variables always written into the script (sbatch's --export=ALL brings the rest of the stage's environment). */
const PINNED = ["PIPE_ROOT", "PIPE_STAGE", "PATH"];

export interface ScriptInput {
  readonly cwd: string;
  readonly commands: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The stage's own `env:` keys, written into the script too. */
  readonly stageEnvKeys: readonly string[];
}

/**
 * Each command runs in its own `sh -c` in the stage's folder, as the local executor runs them; the
 * first that fails ends the job with its exit code, after a line naming it.
 */
export function jobScript(input: ScriptInput): string {
  const lines = ["#!/bin/sh", "# written by pipe: one stage of the pipeline, run as a Slurm job", `cd ${shQuote(input.cwd)} || exit 1`];
  for (const key of [...new Set([...PINNED, ...input.stageEnvKeys])]) {
    const value = input.env[key];
    if (value !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) lines.push(`export ${key}=${shQuote(value)}`);
  }
  input.commands.forEach((command, i) => {
    lines.push(`sh -c ${shQuote(command)}`);
    const which = input.commands.length > 1 ? ` (command ${i + 1} of ${input.commands.length})` : "";
    lines.push(`rc=$?; if [ $rc -ne 0 ]; then echo ${shQuote(`pipe: '${command}'${which} exited with code`)} $rc >&2; exit $rc; fi`);
  });
  return `${lines.join("\n")}\n`;
}

/** The resource arguments of a stage: what `--dry` shows and what sbatch gets. */
export function resourceArgs(r: SlurmResources): string[] {
  const args: string[] = [];
  if (r.cpus !== undefined) args.push(`--cpus-per-task=${r.cpus}`);
  if (r.mem !== undefined) args.push(`--mem=${r.mem}`);
  if (r.gpus !== undefined) args.push(`--gres=gpu:${r.gpus}`);
  if (r.time !== undefined) args.push(`--time=${r.time}`);
  if (r.partition !== undefined) args.push(`--partition=${r.partition}`);
  if (r.account !== undefined) args.push(`--account=${r.account}`);
  if (r.qos !== undefined) args.push(`--qos=${r.qos}`);
  return [...args, ...(r.sbatch ?? [])];
}

/** `cpus=4 mem=8G time=60`: the resources in one short phrase ("" when none are set). */
export function describeResources(r: SlurmResources): string {
  const parts: string[] = [];
  for (const key of ["cpus", "mem", "gpus", "time", "partition", "account", "qos"] as const) if (r[key] !== undefined) parts.push(`${key}=${String(r[key])}`);
  if (r.sbatch !== undefined && r.sbatch.length > 0) parts.push(r.sbatch.join(" "));
  return parts.join(" ");
}

export interface SubmitInput {
  readonly jobName: string;
  readonly cwd: string;
  /** The output file, `%j` standing for the job id. */
  readonly output: string;
  readonly script: string;
  readonly resources: SlurmResources;
}

/** `sbatch --parsable ... script`: stdout and stderr both to the output file, the stage's environment exported. */
export function sbatchArgs(s: SubmitInput): string[] {
  return [
    "--parsable",
    `--job-name=${s.jobName}`,
    `--chdir=${s.cwd}`,
    `--output=${s.output}`,
    "--export=ALL",
    "--ntasks=1",
    "--nodes=1",
    ...resourceArgs(s.resources),
    s.script,
  ];
}

/** sbatch --parsable prints `42` or `42;cluster`. */
export function parseJobId(stdout: string): string | null {
  const m = /^\s*(\d+(?:_\d+)?)(?:;\S+)?\s*$/.exec(stdout);
  return m?.[1] ?? null;
}
