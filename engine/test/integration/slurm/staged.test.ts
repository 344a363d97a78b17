// `pipe repro --executor slurm` with `slurm_shared_fs = false` on the real one-node Slurm: each job
// runs in a scratch folder with its deps fetched from a directory remote and pushes its outs back;
// the driver checks them out and records them. A failing command, and no remote at all.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { Rig, waitFor } from "../../helpers/rig.js";
import { describeWith } from "../../services/needs.js";
import { jobInfo, slurmAvailable, startSlurm, type SlurmService } from "../../services/slurm.js";

const CONFIG = `[core]
    executor = slurm
    slurm_shared_fs = false
`;

const jobIds = (text: string): Map<string, string> =>
  new Map([...text.matchAll(/> (\S+): submitted as job (\d+)/g)].map((m) => [m[1] as string, m[2] as string]));

/** Every file under `dir`, relative. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/** The digests pipeline.lock records (`hash: ...` lines; deps and outs alike). */
const lockDigests = (lock: string): string[] => [...lock.matchAll(/\bhash: ([0-9a-f]+(?:\.dir)?)/g)].map((m) => m[1] as string);

describeWith(
  "Slurm jobs without a shared file system (deps and outs through the remote)",
  slurmAvailable(),
  "Debian's slurmctld, slurmd and munge, run as root",
  () => {
    let slurm: SlurmService;
    const rigs: Rig[] = [];
    const remotes: string[] = [];
    beforeAll(() => {
      slurm = startSlurm();
    }, 90_000);
    afterAll(() => {
      for (const r of rigs) r.cleanup();
      for (const d of remotes) rmSync(d, { recursive: true, force: true });
      slurm?.stop();
    });

    function rig(pipeline: string, files: Record<string, string> = {}): { r: Rig; remote: string } {
      const r = new Rig("pipe-staged-").write("pipeline.yaml", pipeline).write(".pipe/config", CONFIG);
      for (const [p, t] of Object.entries(files)) r.write(p, t);
      rigs.push(r);
      const remote = mkdtempSync(join(tmpdir(), "pipe-staged-remote-"));
      remotes.push(remote);
      expect(r.pipe("remote", "add", "-d", "store", remote).code).toBe(0);
      return { r, remote };
    }

    it("runs two stages in scratch folders, brings their outs back, records them, and a second repro runs nothing", () => {
      const { r, remote } = rig(
        `stages:
  prepare:
    cmd: pwd > prepare.pwd && grep -q size params.yaml && mkdir parts && tr a-z A-Z < in.txt > parts/a.txt && echo b > parts/b.txt && echo prepared
    deps: [in.txt]
    params: [size]
    outs: [prepare.pwd, parts]
  count:
    cmd: pwd > count.pwd && cat parts/a.txt parts/b.txt > joined.txt && echo counted
    deps: [parts]
    outs: [count.pwd, joined.txt]
`,
        { "in.txt": "hello\n", "params.yaml": "size: 3\n" },
      );
      const run = r.pipe("repro");
      expect(run.code, run.stderr).toBe(0);
      const ids = jobIds(run.stderr);
      expect([...ids.keys()].sort()).toEqual(["count", "prepare"]);
      // The job's output, carried back in its result, is printed as the stage's output.
      expect(run.stderr).toContain("prepared");
      expect(run.stderr).toContain("counted");
      // Each stage ran in its job's scratch folder, never in the workspace.
      expect(r.read("prepare.pwd").trim()).toBe(`/tmp/pipe-job-${ids.get("prepare") as string}/work`);
      expect(r.read("count.pwd").trim()).toBe(`/tmp/pipe-job-${ids.get("count") as string}/work`);
      for (const id of ids.values()) {
        expect(existsSync(`/tmp/pipe-job-${id}`)).toBe(false);
        expect(jobInfo(id).get("JobState")).toBe("COMPLETED");
      }
      // The outs arrived in the workspace and the lock.
      expect(r.read("parts/a.txt")).toBe("HELLO\n");
      expect(r.read("joined.txt")).toBe("HELLO\nb\n");
      const lock = r.read("pipeline.lock");
      expect(lock).toContain("joined.txt");
      // The remote holds every dep and out the lock names (params.yaml too: the job needs it), and no result is left.
      const onRemote = new Set(filesUnder(join(remote, "objects")).map((k) => k.replace("/", "")));
      const digests = lockDigests(lock);
      expect(digests.length).toBeGreaterThanOrEqual(6);
      for (const d of digests) expect(onRemote, d).toContain(d);
      expect(filesUnder(join(remote, "slurm-results"))).toEqual([]);

      const again = r.pipe("repro");
      expect(again.code).toBe(0);
      expect(again.stderr).not.toContain("submitted as job");
      expect(again.stderr).toContain("0 ran");
    }, 120_000);

    it("checks out the deps as hashed: a change to the workspace's copy after hashing does not reach the job", () => {
      const { r } = rig(`stages:
  look:
    cmd: echo leaked > WORKSPACE/in.txt && cat in.txt > seen.txt
    deps: [in.txt]
    outs: [seen.txt]
`);
      // The command writes the workspace's in.txt (an absolute path: this one node sees it) after the driver hashed it.
      r.write("pipeline.yaml", r.read("pipeline.yaml").replace("WORKSPACE", r.dir));
      r.write("in.txt", "original\n");
      const run = r.pipe("repro");
      expect(run.code, run.stderr).toBe(0);
      expect(r.read("in.txt")).toBe("leaked\n");
      expect(r.read("seen.txt")).toBe("original\n");
    }, 120_000);

    it("fails a stage whose command fails, with the job id, its state and the job's last output", () => {
      const { r, remote } = rig(`stages:
  bad:
    cmd: echo about to fail && exit 3
    outs: [never.txt]
`);
      const run = r.pipe("repro");
      expect(run.code).toBe(1);
      const id = jobIds(run.stderr).get("bad") as string;
      expect(id).toMatch(/^\d+$/);
      expect(run.stderr).toContain(`Slurm job ${id} ended FAILED, exit code 1; log /tmp/pipe-job-${id}.log (on the node); last lines:`);
      expect(run.stderr).toContain("    | about to fail");
      expect(run.stderr).toContain("    | pipe: 'echo about to fail && exit 3' exited with code 3");
      expect(r.exists("never.txt")).toBe(false);
      expect(r.exists("pipeline.lock") ? r.read("pipeline.lock") : "").not.toContain("bad:");
      expect(filesUnder(join(remote, "slurm-results"))).toEqual([]);
    }, 120_000);

    it("cancels the job on Ctrl-C and records nothing", async () => {
      const { r, remote } = rig(`stages:
  hold:
    cmd: ${JSON.stringify(`pwd > ${"WORKSPACE"}/started.txt; if [ -n "$SLURM_JOB_ID" ]; then sleep 300; fi; echo done > held.txt`)}
    outs: [held.txt]
`);
      r.write("pipeline.yaml", r.read("pipeline.yaml").replace("WORKSPACE", r.dir));
      const pipe = r.spawnPipe("repro");
      await waitFor(() => r.exists("started.txt"), 60_000, "the stage's command started in its job");
      const id = jobIds(pipe.output().stderr).get("hold") as string;
      expect(r.read("started.txt").trim()).toBe(`/tmp/pipe-job-${id}/work`);
      pipe.child.kill("SIGINT");
      const done = await pipe.exited;
      expect(done.code).toBe(130);
      expect(jobInfo(id).get("JobState")).toBe("CANCELLED");
      expect(spawnSync("squeue", ["-h", "-j", id], { encoding: "utf8" }).stdout.trim()).toBe("");
      expect(r.exists("pipeline.lock")).toBe(false);
      expect(r.exists("held.txt")).toBe(false);
      expect(r.exists(".cache/slurm/jobs") ? readdirSync(r.path(".cache/slurm/jobs")) : []).toEqual([]);
      expect(filesUnder(join(remote, "slurm-results"))).toEqual([]);
      // The job's pipe, stopped by Slurm's SIGTERM, stopped the command and removed its scratch folder.
      expect(existsSync(`/tmp/pipe-job-${id}`)).toBe(false);
    }, 120_000);

    it("stops with one line before anything is submitted when no remote is configured", () => {
      const r = new Rig("pipe-staged-").write("pipeline.yaml", "stages:\n  a:\n    cmd: echo a > a.txt\n    outs: [a.txt]\n").write(".pipe/config", CONFIG);
      rigs.push(r);
      const run = r.pipe("repro");
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split("\n")).toEqual([
        "pipe repro: jobs without a shared file system (slurm_shared_fs = false) need a remote: no remote: add one with `pipe remote add -d NAME URL`",
      ]);
      expect(r.exists(".cache/slurm/jobs") ? readdirSync(r.path(".cache/slurm/jobs")) : []).toEqual([]);
    });
  },
);
