// A small project for pipe ui's tests: prepare → train, where train writes a metrics file, a
// per-epoch JSON plot (two y fields), a per-epoch CSV plot (smooth template) and a confusion CSV,
// all computed from params.yaml; `train` waits for a `gate` file when one is asked for (live tests).
import { execFileSync } from "node:child_process";
import { Rig } from "../../helpers/rig.js";

export const PIPELINE = `stages:
  prepare:
    cmd: node prepare.mjs
    deps: [prepare.mjs]
    outs: [data/clean.txt]
  train:
    cmd: node train.mjs
    deps: [train.mjs, data/clean.txt]
    params: [train.lr, train.epochs]
    metrics:
      - metrics/eval.json:
          cache: false
    plots:
      - plots/loss.json:
          x: epoch
          y: [loss, val_loss]
          title: Loss per epoch
          cache: false
      - plots/acc.csv:
          x: epoch
          y: acc
          template: smooth
          cache: false
      - plots/confusion.csv:
          x: actual
          y: predicted
          template: confusion
          cache: false
`;

export const PARAMS = `train:
  lr: 0.1
  epochs: 3
`;

const PREPARE = `import { mkdirSync, writeFileSync } from "node:fs";
mkdirSync("data", { recursive: true });
writeFileSync("data/clean.txt", "a,b,c\\n");
console.log("prepared 3 rows");
`;

const TRAIN = `import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
const text = readFileSync("params.yaml", "utf8");
const lr = Number(/lr: ([0-9.e-]+)/.exec(text)[1]);
const epochs = Number(/epochs: ([0-9]+)/.exec(text)[1]);
if (process.env.UI_TEST_GATE) {
  console.log("waiting for the gate");
  while (!existsSync("gate")) await new Promise((r) => setTimeout(r, 20));
}
mkdirSync("metrics", { recursive: true });
mkdirSync("plots", { recursive: true });
const loss = [];
const acc = ["epoch,acc"];
for (let e = 1; e <= epochs; e++) {
  const l = Math.round((1 / (e * (1 + lr * 10))) * 1000) / 1000;
  loss.push({ epoch: e, loss: l, val_loss: Math.round(l * 1.1 * 1000) / 1000 });
  acc.push(e + "," + Math.round((1 - l) * 1000) / 1000);
  console.log("epoch " + e + " loss " + l);
}
writeFileSync("plots/loss.json", JSON.stringify(loss));
writeFileSync("plots/acc.csv", acc.join("\\n") + "\\n");
const wrong = lr > 0.15 ? 1 : 2;
const rows = ["actual,predicted"];
for (let i = 0; i < 6; i++) rows.push(["cat", "dog"][i % 2] + "," + (i < wrong ? ["dog", "cat"][i % 2] : ["cat", "dog"][i % 2]));
writeFileSync("plots/confusion.csv", rows.join("\\n") + "\\n");
writeFileSync("metrics/eval.json", JSON.stringify({ accuracy: Math.round((1 - loss[loss.length - 1].loss) * 1000) / 1000, lr, nested: { epochs } }));
console.error("trained with lr " + lr);
`;

export function git(rig: Rig, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd: rig.dir,
    encoding: "utf8",
    env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" },
  });
}

/** The project written, optionally as a git repo whose first commit holds a run's results. */
export function makeUiProject(opts: { git: boolean }): Rig {
  const rig = new Rig("pipe-ui-");
  rig.write("pipeline.yaml", PIPELINE).write("params.yaml", PARAMS).write("prepare.mjs", PREPARE).write("train.mjs", TRAIN);
  rig.write(".gitignore", "data/\n.cache/\n");
  if (opts.git) {
    git(rig, "init", "-q", "-b", "main");
    git(rig, "config", "commit.gpgsign", "false");
  }
  return rig;
}

/** Fails the test with the CLI's output when a command did not succeed. */
export function expectOk(r: { code: number | null; stdout: string; stderr: string }, what: string): void {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
}
