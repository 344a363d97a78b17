// The resources pipe's Slurm jobs ask for in the benchmark, the same as Snakemake's
// (--default-resources): one CPU, a little memory (the node tracks memory: a job without --mem
// would take all of it), a time limit, the partition. Written into the project's .pipe/config.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface BenchResources {
  readonly partition: string;
  readonly memMb: number;
  readonly timeMin: number;
}

export function writePipeResources(dir: string, r: BenchResources): void {
  mkdirSync(join(dir, ".pipe"), { recursive: true });
  writeFileSync(
    join(dir, ".pipe", "config"),
    ["[resources]", "cpus = 1", `mem = ${String(r.memMb)}M`, `time = ${String(r.timeMin)}`, `partition = ${r.partition}`, ""].join("\n"),
  );
}
