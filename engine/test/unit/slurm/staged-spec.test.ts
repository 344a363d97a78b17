// The pure parts of Slurm jobs without a shared file system: the spec and result (encode, parse,
// every bad field a one-line error), the remote as the node gets it (no secrets), the kept output,
// which paths a job checks out, and the `[core]` settings.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Digest } from "../../../src/hashing/index.js";
import { loadExecutorSettings } from "../../../src/session/slurm-settings.js";
import {
  encodeSpec,
  MAX_SPEC_CHARS,
  nodeRemote,
  outputKeeper,
  outputLines,
  parseResult,
  parseSpec,
  resultKey,
  type JobSpec,
} from "../../../src/session/slurm-staged-spec.js";
import { stagedInputs } from "../../../src/session/slurm-staged.js";
import { stage } from "../../helpers/stages.js";

const D = "ab".repeat(32) as Digest;

const spec: JobSpec = {
  schema: 1,
  stage: "train",
  cmd: ["python train.py", "echo 'done'"],
  wdir: "sub",
  env: { SEED: "1", PIPE_STAGE: "train" },
  deps: [
    { path: "data/in.csv", digest: D, size: 10, isDir: false },
    { path: "images", digest: `${D}.dir` as Digest, size: 30, isDir: true, nfiles: 3 },
  ],
  outs: ["model.bin", "history.log"],
  persist: [{ path: "history.log", digest: D, size: 4, isDir: false }],
  remote: { name: "store", url: "/srv/store", options: { jobs: "4" } },
  resultKey: resultKey("run 1", "train"),
};

describe("job spec", () => {
  it("round-trips through one JSON line", () => {
    const e = encodeSpec(spec);
    expect(e.ok).toBe(true);
    if (!e.ok) return;
    expect(e.text).not.toContain("\n");
    expect(parseSpec(e.text)).toEqual({ ok: true, value: spec });
    expect(spec.resultKey).toBe("slurm-results/run_1/train.json");
  });

  it("refuses a spec too long for the script's command line", () => {
    const many = { ...spec, deps: Array.from({ length: 2000 }, (_, i) => ({ path: `data/file-${i}.csv`, digest: D, size: 1, isDir: false })) };
    const e = encodeSpec(many);
    expect(e.ok).toBe(false);
    if (!e.ok)
      expect(e.error).toMatch(
        new RegExp(`^the job spec of stage 'train' is \\d+ characters \\(2000 deps\\), over the ${MAX_SPEC_CHARS} a job script carries$`),
      );
  });

  it.each([
    ["not json", "the job spec is not JSON"],
    [JSON.stringify({ ...spec, schema: 2 }), "the job spec has schema 2; this pipe reads 1"],
    [JSON.stringify({ ...spec, cmd: [] }), "the job spec's cmd is not a list of commands"],
    [JSON.stringify({ ...spec, wdir: "../up" }), `the job spec's wdir "../up" is not inside the project`],
    [JSON.stringify({ ...spec, deps: [{ path: "/etc/passwd", digest: D, size: 1, isDir: false }] }), "dep: not a path inside the project"],
    [JSON.stringify({ ...spec, deps: [{ path: "a", digest: "xyz", size: 1, isDir: false }] }), `dep a: bad digest "xyz"`],
    [JSON.stringify({ ...spec, outs: ["a/../../b"] }), "the job spec's outs are not paths inside the project"],
    [JSON.stringify({ ...spec, persist: [{ path: "h", digest: D, isDir: false }] }), "persist out h: size or isDir missing"],
    [JSON.stringify({ ...spec, remote: { name: "s" } }), "the job spec's remote is not {name, url, options}"],
    [JSON.stringify({ ...spec, resultKey: "objects/ab/cd" }), `the job spec's resultKey "objects/ab/cd" is not under slurm-results/`],
  ])("a bad spec is one line: %s", (text, error) => {
    const p = parseSpec(text);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.error.startsWith(error)).toBe(true);
      expect(p.error).not.toContain("\n");
    }
  });
});

describe("job result", () => {
  it("parses what a job writes, and names what is wrong otherwise", () => {
    const result = {
      schema: 1,
      stage: "train",
      ok: true,
      outs: [{ path: "model.bin", digest: D, size: 5, isDir: false }],
      output: "hi\n",
      host: "n1",
      scratch: "/tmp/x",
    };
    expect(parseResult(JSON.stringify(result))).toEqual({ ok: true, value: result });
    expect(parseResult(JSON.stringify({ ...result, ok: false, outs: [], failure: "boom" }))).toMatchObject({ ok: true, value: { ok: false, failure: "boom" } });
    expect(parseResult("{")).toMatchObject({ ok: false });
    expect(parseResult(JSON.stringify({ ...result, schema: 9 }))).toEqual({ ok: false, error: "not a job result of schema 1" });
    expect(parseResult(JSON.stringify({ ...result, outs: [{ path: "m", digest: "no", size: 1, isDir: false }] }))).toEqual({
      ok: false,
      error: `out m: bad digest "no"`,
    });
  });
});

describe("nodeRemote", () => {
  it("leaves every secret out and gives a folder remote by its absolute path", () => {
    const settings = {
      name: "s3",
      url: "s3://bucket/p",
      options: { region: "eu-west-1", secret_access_key: "SECRET", access_key_id: "AKIA", profile: "team" },
    };
    expect(nodeRemote(settings, null)).toEqual({ name: "s3", url: "s3://bucket/p", options: { region: "eu-west-1", profile: "team" } });
    expect(nodeRemote({ name: "dir", url: "../store", options: {} }, "/srv/store")).toEqual({ name: "dir", url: "/srv/store", options: {} });
    expect(JSON.stringify(encodeSpec({ ...spec, remote: nodeRemote(settings, null) }))).not.toContain("SECRET");
  });
});

describe("output kept for the result", () => {
  it("keeps all of a short output and the end of a long one", () => {
    const k = outputKeeper(20);
    k.add("one\n");
    k.add("two\n");
    expect(k.text()).toBe("one\ntwo\n");
    for (let i = 0; i < 20; i++) k.add(`line ${i}\n`);
    const t = k.text();
    expect(t.startsWith("[pipe: earlier output dropped]\n")).toBe(true);
    expect(t.endsWith("line 19\n")).toBe(true);
    expect(
      outputLines(t)
        .slice(1)
        .every((l) => l.startsWith("line ")),
    ).toBe(true);
    expect(outputLines("")).toEqual([]);
    expect(outputLines("a\nb")).toEqual(["a", "b"]);
  });
});

describe("stagedInputs", () => {
  it("is the deps and the params files, each once; a glob dep is refused", () => {
    const s = stage("train", { deps: ["data.csv", "params.yaml"], params: { "params.yaml": { lr: 1 }, "train.yaml": { epochs: 1 } } });
    expect(stagedInputs({ stage: s })).toEqual({ paths: ["data.csv", "params.yaml", "train.yaml"], glob: null });
    expect(stagedInputs({ stage: stage("g", { deps: ["data/*.csv"] }) })).toEqual({ paths: [], glob: "data/*.csv" });
  });
});

describe("[core] settings", () => {
  const withConfig = (text: string, local?: string) => {
    const root = mkdtempSync(join(tmpdir(), "pipe-staged-settings-"));
    mkdirSync(join(root, ".pipe"));
    writeFileSync(join(root, ".pipe", "config"), text);
    if (local !== undefined) writeFileSync(join(root, ".pipe", "config.local"), local);
    try {
      return loadExecutorSettings(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };

  it("shares the file system unless told otherwise", () => {
    expect(withConfig("[core]\n    executor = slurm\n")).toMatchObject({ ok: true, value: { staged: { sharedFs: true } } });
  });

  it("reads slurm_shared_fs, slurm_remote and slurm_pipe, config.local winning", () => {
    const s = withConfig(
      "[core]\n    slurm_shared_fs = false\n    slurm_remote = team\n",
      "[core]\n    slurm_pipe = /opt/node/bin/node   /opt/pipe/bin/pipe.js\n",
    );
    expect(s).toMatchObject({ ok: true, value: { staged: { sharedFs: false, remote: "team", pipe: ["/opt/node/bin/node", "/opt/pipe/bin/pipe.js"] } } });
    expect(withConfig("[core]\n    slurm_shared_fs = no\n", "[core]\n    slurm_shared_fs = yes\n")).toMatchObject({
      ok: true,
      value: { staged: { sharedFs: true } },
    });
  });

  it("names the file, line and value of a bad setting", () => {
    expect(withConfig("[core]\n    slurm_shared_fs = maybe\n")).toEqual({
      ok: false,
      error: ".pipe/config:2: [core] slurm_shared_fs must be true or false, got 'maybe'",
    });
    expect(withConfig("[core]\n    executor = slurm\n    slurm_remote =\n")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^\.pipe\/config:3: \[core\] slurm_remote is empty/),
    });
    expect(withConfig("[core]\n    slurm_pipe =\n")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^\.pipe\/config:2: \[core\] slurm_pipe is empty/),
    });
  });
});
