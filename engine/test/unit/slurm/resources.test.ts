// Per-stage resources from .pipe/config: the resolver's precedence and globs, the checks of each
// value (one line naming file, line, section and value), and the executor choice (--executor wins).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveResources, splitArgs, type ResourceRule } from "../../../src/session/resources.js";
import { loadExecutorSettings } from "../../../src/session/slurm-settings.js";

const rule = (pattern: string, resources: ResourceRule["resources"]): ResourceRule => ({ pattern, resources, where: "x" });

describe("resolveResources", () => {
  const rules = [
    rule("train", { cpus: 8, gpus: "1" }),
    rule("*", { cpus: 1, time: "10", partition: "cpu" }),
    rule("train*", { time: "120", partition: "gpu" }),
    rule("eval-?", { mem: "2G" }),
  ];
  it("applies the defaults, then globs, then the stage's own section", () => {
    expect(resolveResources(rules, "train")).toEqual({ cpus: 8, gpus: "1", time: "120", partition: "gpu" });
    expect(resolveResources(rules, "train_big")).toEqual({ cpus: 1, time: "120", partition: "gpu" });
    expect(resolveResources(rules, "eval-1")).toEqual({ cpus: 1, time: "10", partition: "cpu", mem: "2G" });
    expect(resolveResources(rules, "eval-10")).toEqual({ cpus: 1, time: "10", partition: "cpu" });
    expect(resolveResources([], "x")).toEqual({});
  });
  it("matches names case-insensitively and lets * cross stage addresses", () => {
    expect(resolveResources([rule("train", { cpus: 2 })], "Train")).toEqual({ cpus: 2 });
    expect(resolveResources([rule("sub/*", { cpus: 3 })], "sub/dvc.yaml:prep")).toEqual({ cpus: 3 });
  });
  it("splits free-form arguments as a shell would", () => {
    expect(splitArgs(`--exclusive --comment="two words" --x='a b'c`)).toEqual(["--exclusive", "--comment=two words", "--x=a bc"]);
    expect(splitArgs(`--comment="open`)).toBeNull();
  });
});

describe("loadExecutorSettings", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "pipe-slurm-settings-"));
    mkdirSync(join(root, ".pipe"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const config = (text: string, file = ".pipe/config") => writeFileSync(join(root, file), text);

  it("is local without a config, slurm from [core] executor, and --executor wins", () => {
    expect(loadExecutorSettings(root)).toMatchObject({ ok: true, value: { executor: "local", source: "default" } });
    config("[core]\n    executor = slurm\n['resources \"train\"']\n    cpus = 4\n    sbatch = --exclusive\n");
    const s = loadExecutorSettings(root);
    expect(s).toMatchObject({ ok: true, value: { executor: "slurm", source: ".pipe/config:2" } });
    if (s.ok) expect(s.value.resourcesFor("train" as never)).toEqual({ cpus: 4, sbatch: ["--exclusive"] });
    expect(loadExecutorSettings(root, "local")).toMatchObject({ ok: true, value: { executor: "local", source: "--executor" } });
  });

  it("lets .pipe/config.local override .pipe/config", () => {
    config("[core]\n    executor = slurm\n[resources]\n    time = 10\n");
    config("[core]\n    executor = local\n['resources \"*\"']\n    time = 20\n", ".pipe/config.local");
    const s = loadExecutorSettings(root);
    expect(s).toMatchObject({ ok: true, value: { executor: "local" } });
    if (s.ok) expect(s.value.resourcesFor("any" as never)).toEqual({ time: "20" });
  });

  it.each([
    ["[core]\n    executor = slrum\n", ".pipe/config:2: [core] executor must be one of local, slurm, got 'slrum'"],
    ["['resources \"train\"']\n    cpus = many\n", ".pipe/config:2: [resources \"train\"] cpus must be a positive integer, got 'many'"],
    ["['resources \"train\"']\n    cpus = 0\n", ".pipe/config:2: [resources \"train\"] cpus must be a positive integer, got '0'"],
    ["[resources]\n\n    mem = lots\n", ".pipe/config:3: [resources \"*\"] mem must be a size such as 4G, 500M or 2048 (megabytes), got 'lots'"],
    ["['resources \"t\"']\n    time = 1h\n", ".pipe/config:2: [resources \"t\"] time must be minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS, got '1h'"],
    ["['resources \"t\"']\n    gpus = two\n", ".pipe/config:2: [resources \"t\"] gpus must be a count such as 2, or TYPE:COUNT such as a100:2, got 'two'"],
    ["['resources \"t\"']\n    partition = a b\n", ".pipe/config:2: [resources \"t\"] partition must be a partition name, got 'a b'"],
    [
      "['resources \"t\"']\n    sbatch = exclusive\n",
      ".pipe/config:2: [resources \"t\"] sbatch must be sbatch options (each word starting with -, values joined with =), got 'exclusive'",
    ],
    [
      "['resources \"t\"']\n    cpu = 2\n",
      ".pipe/config:2: [resources \"t\"] has no setting 'cpu' (known: cpus, mem, gpus, time, partition, account, qos, sbatch)",
    ],
  ])("rejects %j in one line", (text, message) => {
    config(text);
    expect(loadExecutorSettings(root)).toEqual({ ok: false, error: message });
  });
});
