// The batch script (run here with sh: commands in order, the first failure ends it with its code)
// and the sbatch arguments made from a stage's resources.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeResources, jobScript, parseJobId, resourceArgs, sbatchArgs } from "../../../src/exec/slurm/index.js";

function runScript(commands: string[], env: Record<string, string> = {}, stageEnvKeys: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "pipe-slurm-script-"));
  try {
    const file = join(dir, "job.sh");
    writeFileSync(
      file,
      jobScript({ cwd: dir, commands, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PIPE_ROOT: dir, PIPE_STAGE: "s", ...env }, stageEnvKeys }),
    );
    const r = spawnSync("sh", [file], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
    let out = "";
    try {
      out = readFileSync(join(dir, "out.txt"), "utf8");
    } catch {
      /* none written */
    }
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, out };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("job script", () => {
  it("runs each command in the stage's folder with its environment, in order", () => {
    const r = runScript(["echo one > out.txt", "echo $PIPE_STAGE $SEED >> out.txt", "cd / && true", "pwd >> out.txt"], { SEED: "it's 7" }, ["SEED"]);
    expect(r.code).toBe(0);
    // Each command is its own shell, as locally: a `cd` does not leak into the next one.
    expect(r.out.split("\n").slice(0, 2)).toEqual(["one", "s it's 7"]);
    expect(r.out.split("\n")[2]).toMatch(/pipe-slurm-script-/);
  });

  it("stops at the first failing command with its exit code and names it", () => {
    const r = runScript(["echo a > out.txt", "exit 7", "echo never >> out.txt"]);
    expect(r.code).toBe(7);
    expect(r.out).toBe("a\n");
    expect(r.stderr).toContain("pipe: 'exit 7' (command 2 of 3) exited with code 7");
  });
});

describe("sbatch arguments", () => {
  it("turns each resource into its sbatch option, free-form ones last", () => {
    expect(
      resourceArgs({ cpus: 2, mem: "4G", gpus: "a100:2", time: "1-00:00", partition: "gpu", account: "ml", qos: "high", sbatch: ["--exclusive"] }),
    ).toEqual(["--cpus-per-task=2", "--mem=4G", "--gres=gpu:a100:2", "--time=1-00:00", "--partition=gpu", "--account=ml", "--qos=high", "--exclusive"]);
    expect(resourceArgs({})).toEqual([]);
    expect(describeResources({ cpus: 2, time: "10" })).toBe("cpus=2 time=10");
  });

  it("submits the script with --parsable, one output file for stdout and stderr, the environment exported", () => {
    const args = sbatchArgs({ jobName: "train", cwd: "/p", output: "/p/.cache/slurm/logs/train.%j.log", script: "/p/s.sh", resources: { cpus: 1 } });
    expect(args[0]).toBe("--parsable");
    expect(args).toContain("--export=ALL");
    expect(args).toContain("--output=/p/.cache/slurm/logs/train.%j.log");
    expect(args.some((a) => a.startsWith("--error"))).toBe(false);
    expect(args[args.length - 1]).toBe("/p/s.sh");
  });

  it("reads the job id sbatch --parsable prints", () => {
    expect(parseJobId("42\n")).toBe("42");
    expect(parseJobId("42;cluster\n")).toBe("42");
    expect(parseJobId("Submitted batch job 42\n")).toBeNull();
  });
});
