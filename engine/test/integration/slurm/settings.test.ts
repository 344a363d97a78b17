// What `pipe repro --dry` and `pipe status` say with the slurm executor (no cluster needed: nothing
// is submitted), and the one-line errors of a bad executor or resources setting.
import { afterAll, describe, expect, it } from "vitest";
import { Rig } from "../../helpers/rig.js";

const PIPELINE = `stages:
  prep:
    cmd: echo prep > prep.txt
    outs: [prep.txt]
  train:
    cmd: cat prep.txt > model.txt
    deps: [prep.txt]
    outs: [model.txt]
`;

const CONFIG = `[core]
    executor = slurm
[resources]
    time = 30
['resources "train"']
    cpus = 4
    mem = 8G
    gpus = 1
    sbatch = --exclusive
`;

describe("slurm executor settings", () => {
  const rigs: Rig[] = [];
  const rig = (config = CONFIG): Rig => {
    const r = new Rig("pipe-slurm-settings-").write("pipeline.yaml", PIPELINE).write(".pipe/config", config);
    rigs.push(r);
    return r;
  };
  afterAll(() => rigs.forEach((r) => r.cleanup()));

  it("repro --dry shows each stage that would be submitted and its resources", () => {
    const r = rig();
    const dry = r.pipe("repro", "--dry");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      [
        "would submit  prep   never run; as a Slurm job (time=30)",
        "would submit  train  never run; after prep; as a Slurm job (cpus=4 mem=8G gpus=1 time=30 --exclusive)",
        "",
      ].join("\n"),
    );
    const local = r.pipe("repro", "--dry", "--executor", "local");
    expect(local.stdout).toBe(["would run  prep   never run", "would run  train  never run; after prep", ""].join("\n"));
  });

  it("repro --dry and status say when jobs would go through a remote (no shared file system)", () => {
    const staged = rig(`${CONFIG.replace("executor = slurm", "executor = slurm\n    slurm_shared_fs = false\n    slurm_remote = store")}`);
    const note = "note: Slurm jobs without a shared file system (slurm_shared_fs = false): each job's deps and outs go through remote 'store'\n";
    const dry = staged.pipe("repro", "--dry");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("would submit  train");
    expect(dry.stderr).toBe(note);
    const status = staged.pipe("status");
    expect(status.stdout).toContain("would be submitted as a Slurm job");
    expect(status.stderr).toBe(note);
    // Shared file system (the default) or the local executor: no note.
    expect(rig().pipe("repro", "--dry").stderr).toBe("");
    expect(staged.pipe("status", "--executor", "local").stderr).toBe("");
  });

  it("repro --dry --json gives the resources and sbatch arguments", () => {
    const lines = rig()
      .pipe("repro", "--dry", "--json")
      .stdout.trim()
      .split("\n")
      .map((l) => JSON.parse(l) as unknown);
    expect(lines[1]).toEqual({
      stage: "train",
      decision: "pending",
      reasons: [{ kind: "never-run" }, { kind: "dep-missing", path: "prep.txt" }],
      submit: {
        executor: "slurm",
        resources: { time: "30", cpus: 4, mem: "8G", gpus: "1", sbatch: ["--exclusive"] },
        sbatch: ["--cpus-per-task=4", "--mem=8G", "--gres=gpu:1", "--time=30", "--exclusive"],
      },
    });
  });

  it("status says with which resources each stale stage would be submitted", () => {
    const r = rig();
    expect(r.pipe("status").stdout).toBe(
      [
        "prep:",
        "    never run",
        "    would be submitted as a Slurm job (time=30)",
        // status judges each stage on the workspace alone: train's input is not there yet.
        "train:",
        "    never run",
        "    dependency missing: prep.txt",
        "",
      ].join("\n"),
    );
    const json = JSON.parse(r.pipe("status", "--json").stdout) as Record<string, unknown[]>;
    expect(json.prep).toEqual([{ kind: "never-run" }, { submit: { executor: "slurm", resources: { time: "30" }, sbatch: ["--time=30"] } }]);
    expect(r.pipe("status", "--executor", "local").stdout).toBe("prep:\n    never run\ntrain:\n    never run\n    dependency missing: prep.txt\n");
    r.write("prep.txt", "prep\n");
    expect(r.pipe("status").stdout).toContain("train:\n    never run\n    would be submitted as a Slurm job (cpus=4 mem=8G gpus=1 time=30 --exclusive)\n");
  });

  it.each([
    [["repro"], "[core]\n    executor = pbs\n", "pipe repro: .pipe/config:2: [core] executor must be one of local, slurm, got 'pbs'\n"],
    [
      ["repro", "--dry"],
      "['resources \"train\"']\n    mem = lots\n",
      "pipe repro: .pipe/config:2: [resources \"train\"] mem must be a size such as 4G, 500M or 2048 (megabytes), got 'lots'\n",
    ],
    [["status"], "['resources \"t*\"']\n    cpus = -1\n", "pipe status: .pipe/config:2: [resources \"t*\"] cpus must be a positive integer, got '-1'\n"],
  ])("%j with a bad setting: one line naming file, line and value", (args, config, message) => {
    const r = rig(config);
    const run = r.pipe(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(message);
    expect(r.exists("prep.txt")).toBe(false);
  });

  it("rejects an unknown --executor", () => {
    const run = rig().pipe("repro", "--executor", "pbs");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("pipe repro: --executor must be one of local, slurm, got 'pbs'\n");
  });
});
