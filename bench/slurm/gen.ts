// The Slurm benchmark's workflow, written twice: a first stage, a fan-out of N independent one-second
// stages that read its output, and a last stage that reads all N, as pipe's pipeline.yaml and as a
// Snakefile with the same commands, inputs and outputs. Each command writes "START END JOBID" into its output.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Stage {
  /** pipe's stage name (`fan-03`); the Snakemake rule is the same with `_` (`fan_03`). */
  readonly name: string;
  readonly deps: readonly string[];
  readonly out: string;
  /** One shell line, the same for both tools (POSIX sh: pipe runs it with sh, Snakemake with bash). */
  readonly cmd: string;
}

/**
 * The stage's own timestamps: `date +%s.%N` when its command starts and when it has done its work,
 * and the Slurm job it ran in, so the benchmark joins them with the tool's and Slurm's records. No
 * `${...}`: pipeline.yaml reads that as an interpolation (dvc.yaml's), Snakemake as a format field.
 */
const stamp = (work: string, out: string): string => `s=$(date +%s.%N); ${work}; echo "$s $(date +%s.%N) $SLURM_JOB_ID" > ${out}`;

export const fanName = (i: number, fan: number): string => `fan-${String(i).padStart(Math.max(2, String(fan).length), "0")}`;

export function workflow(fan: number, sleepS = 1): Stage[] {
  const first: Stage = { name: "first", deps: [], out: "out/first.txt", cmd: stamp("mkdir -p out", "out/first.txt") };
  const fans: Stage[] = [];
  for (let i = 1; i <= fan; i++) {
    const name = fanName(i, fan);
    const out = `out/${name}.txt`;
    fans.push({ name, deps: [first.out], out, cmd: stamp(`cat ${first.out} > /dev/null; sleep ${String(sleepS)}`, out) });
  }
  const last: Stage = {
    name: "last",
    deps: fans.map((f) => f.out),
    out: "out/last.txt",
    cmd: stamp(`n=$(cat out/fan-*.txt | wc -l); test "$n" -eq ${String(fan)}`, "out/last.txt"),
  };
  return [first, ...fans, last];
}

/** pipe's pipeline.yaml (dvc.yaml schema). The commands go in as JSON strings, which YAML reads as they are. */
export function pipelineYaml(stages: readonly Stage[]): string {
  const lines = ["stages:"];
  for (const s of stages) {
    lines.push(`  ${s.name}:`, `    cmd: ${JSON.stringify(s.cmd)}`);
    if (s.deps.length > 0) lines.push("    deps:", ...s.deps.map((d) => `      - ${d}`));
    lines.push("    outs:", `      - ${s.out}`);
  }
  return `${lines.join("\n")}\n`;
}

export const ruleName = (stage: string): string => stage.replace(/-/g, "_");

/** A Snakefile with one explicit rule per stage (braces doubled: Snakemake formats shell strings). */
export function snakefile(stages: readonly Stage[]): string {
  const last = stages[stages.length - 1];
  if (last === undefined) throw new Error("an empty workflow");
  const py = (s: string): string => JSON.stringify(s);
  const lines = ["localrules: all", "", "rule all:", `    input: ${py(last.out)}`, ""];
  for (const s of stages) {
    lines.push(`rule ${ruleName(s.name)}:`);
    if (s.deps.length > 0) lines.push(`    input: ${s.deps.map(py).join(", ")}`);
    lines.push(`    output: ${py(s.out)}`, `    shell: ${py(s.cmd.replace(/\{/g, "{{").replace(/\}/g, "}}"))}`, "");
  }
  return lines.join("\n");
}

/** A fresh folder holding the workflow for one tool. */
export function writeWorkflow(dir: string, tool: "pipe" | "snakemake", stages: readonly Stage[]): void {
  mkdirSync(dir, { recursive: true });
  if (tool === "pipe") writeFileSync(join(dir, "pipeline.yaml"), pipelineYaml(stages));
  else writeFileSync(join(dir, "Snakefile"), snakefile(stages));
}
