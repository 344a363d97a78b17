// The repro guard never sticks and never lets two in: a pid reused after a container restart (a
// new pid namespace), or a zombie holder, does not keep it; a live holder is named with its pid,
// host and start time.
import { spawn, spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PIPE_BIN, Rig, waitFor } from "../helpers/rig.js";

let rig: Rig;
beforeEach(() => {
  rig = new Rig();
  rig.write("pipeline.yaml", "stages:\n  slow:\n    cmd: echo started > started.txt && sleep 30\n");
});
afterEach(() => rig.cleanup());

const asRoot = process.getuid?.() === 0;
const canUnshare = asRoot && spawnSync("unshare", ["-fp", "--mount-proc", "true"]).status === 0;
if (!canUnshare) console.warn("repro-guard.test: SKIPPING the pid-namespace test: it needs root and unshare(1) (CI runs it as root)");

describe("the repro guard", () => {
  it("names a live holder's pid, host and start time", async () => {
    const first = rig.spawnPipe("repro");
    await waitFor(() => rig.exists("started.txt"), 20_000, "the first repro to start its stage");
    const second = rig.pipe("repro");
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`another pipe repro \\(pid ${first.child.pid} on ${hostname()}, started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\) is running`),
    );
    first.child.kill("SIGINT");
    await first.exited;
  });

  it.runIf(canUnshare)("a pid reused in a restarted container (a new pid namespace) does not keep it", async () => {
    const script = `${process.execPath} ${PIPE_BIN} repro`;
    // Container 1: `sh` is pid 1, `true` pid 2, so pipe repro runs as pid 3. Killed mid-run, it leaves the guard.
    const box = spawn("unshare", ["-fp", "--mount-proc", "sh", "-c", `/bin/true; ${script}`], { cwd: rig.dir, stdio: "ignore", detached: true });
    await waitFor(() => rig.exists("started.txt"), 20_000, "the contained repro to start its stage");
    process.kill(-(box.pid as number), "SIGKILL");
    await new Promise((r) => box.once("exit", r));
    expect(rig.read(".cache/repro.lock")).toMatch(/"pid":3\b/);
    rig.remove("started.txt");
    rig.write("pipeline.yaml", "stages:\n  quick:\n    cmd: echo quick >> log.txt\n");
    // Container 2: three sleeps take pids 2, 3 and 4, so pid 3 is alive again, but it is not the holder.
    const again = spawnSync("unshare", ["-fp", "--mount-proc", "sh", "-c", `sleep 30 & sleep 30 & sleep 30 & ${script}; s=$?; kill %1 %2 %3; exit $s`], {
      cwd: rig.dir,
      encoding: "utf8",
      env: { ...process.env, CI: "true" },
      timeout: 60_000,
    });
    expect(again.stderr).not.toContain("another pipe repro");
    expect(again.status).toBe(0);
    expect(rig.log()).toEqual(["quick"]);
  });

  it("a zombie holder does not keep it", async () => {
    // `sh` starts pipe repro in the background and becomes `sleep`, which never reaps it.
    const parent = spawn("sh", ["-c", `${process.execPath} ${PIPE_BIN} repro > /dev/null 2>&1 & echo $! > repro.pid; exec sleep 60`], {
      cwd: rig.dir,
      stdio: "ignore",
    });
    await waitFor(() => rig.exists("started.txt") && rig.exists("repro.pid"), 20_000, "the background repro to start its stage");
    const pid = Number(rig.read("repro.pid").trim());
    process.kill(pid, "SIGKILL");
    await waitFor(() => /^\S+ \(.*\) Z/.test(spawnSync("cat", [`/proc/${pid}/stat`], { encoding: "utf8" }).stdout), 10_000, "the killed repro to be a zombie");
    rig.write("pipeline.yaml", "stages:\n  quick:\n    cmd: echo quick >> log.txt\n");
    const r = rig.pipe("repro");
    parent.kill("SIGKILL");
    expect(r.stderr).not.toContain("another pipe repro");
    expect(r.code).toBe(0);
    expect(rig.log()).toEqual(["quick"]);
  });
});
