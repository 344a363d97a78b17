// The engine's performance figures (see bench/README.md). Normally started by bench/engine/run.sh.
//
//   node bench/engine/run.mjs [--quick] [--runs N] [--fresh] [--only noop,hash,restore,jobs] [--no-snakemake] [--compare DIR]
//
// 1. no-op `pipe repro` of a generated 1,000-stage / 10,000-file pipeline vs `snakemake -n` of the
//    same workflow (plus a per-phase profile of the no-op);
// 2. cold hashing throughput of a 1 GiB file through the engine's hasher;
// 3. restores of a deleted 256 MiB file and a 1,000-file folder, with the objects known verified
//    and with every object read back;
// 4. two independent 2-second stages with -j 2 (and -j 1 for contrast).
// --compare DIR times another built checkout on the same projects (before/after in one run).
import { spawnSync, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, cpus } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    fresh: { type: "boolean", default: false },
    runs: { type: "string" },
    only: { type: "string", default: "noop,hash,restore,jobs" },
    "no-snakemake": { type: "boolean", default: false },
    compare: { type: "string" },
    out: { type: "string" },
  },
});
const here = fileURLToPath(new URL(".", import.meta.url));
const repo = resolve(here, "../..");
const PIPE = join(repo, "bin", "pipe.js");
// --compare DIR: another built checkout of pipe (e.g. `git worktree add /tmp/pipe-before <rev>`),
// timed on the same projects in the same run, so a change's cost is read off one table.
const OTHER = values.compare === undefined ? null : join(resolve(values.compare), "bin", "pipe.js");
const quick = values.quick;
const runs = Number(values.runs ?? (quick ? 3 : 7));
const only = new Set(values.only.split(","));
const out = resolve(values.out ?? join(repo, "bench", "out", "engine"));
const size = quick ? { stages: 100, files: 1000, layers: 10, hashMb: 256 } : { stages: 1000, files: 10000, layers: 10, hashMb: 1024 };
mkdirSync(out, { recursive: true });

const log = (s) => process.stderr.write(`[bench] ${s}\n`);
const rows = [];
const row = (figure, target, measured, pass) => rows.push({ figure, target, measured, pass });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmtS = (ms) => `${(ms / 1000).toFixed(3)} s`;

/** Wall time of one run of a command, in ms; throws on a non-zero exit. */
function timeOnce(cmd, args, cwd, env = process.env) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 << 20 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.status}:\n${String(r.stderr).slice(-2000)}`);
  return { ms, stdout: String(r.stdout), stderr: String(r.stderr) };
}
const haveHyperfine = spawnSync("hyperfine", ["--version"]).status === 0;
/**
 * Median wall time of `n` runs (after `warmup`), and the mean CPU time (user + system) per run,
 * which a loaded machine inflates far less than wall time. Uses hyperfine when installed.
 */
function timeMany(cmd, args, cwd, n, warmup = 1, prepare = null) {
  if (haveHyperfine && !args.some((a) => /\s/.test(a))) {
    const json = join(out, `hyperfine-${process.pid}.json`);
    const prep = prepare === null ? [] : ["--prepare", prepare.join(" ")];
    const r = spawnSync(
      "hyperfine",
      ["-N", "--style", "none", "--warmup", String(warmup), "--runs", String(n), ...prep, "--export-json", json, [cmd, ...args].join(" ")],
      { cwd, stdio: ["ignore", "ignore", "pipe"] },
    );
    if (r.status !== 0) throw new Error(`hyperfine ${cmd} failed:\n${String(r.stderr).slice(-2000)}`);
    const h = JSON.parse(readFileSync(json, "utf8")).results[0];
    rmSync(json);
    const ms = h.times.map((t) => t * 1000);
    return { median: median(ms), min: Math.min(...ms), max: Math.max(...ms), cpu: (h.user + h.system) * 1000, runs: ms.map(Math.round), tool: "hyperfine" };
  }
  const prep = () => prepare !== null && spawnSync(prepare[0], prepare.slice(1), { cwd });
  for (let i = 0; i < warmup; i++) {
    prep();
    timeOnce(cmd, args, cwd);
  }
  const ms = [];
  for (let i = 0; i < n; i++) {
    prep();
    ms.push(timeOnce(cmd, args, cwd).ms);
  }
  return { median: median(ms), min: Math.min(...ms), max: Math.max(...ms), cpu: NaN, runs: ms.map(Math.round), tool: "spawnSync" };
}

/** What else runs on the machine: load average and the busiest processes that are not this bench. */
function machineLoad() {
  const ps = spawnSync("ps", ["-eo", "pid,ppid,pcpu,etimes,args", "--sort=-pcpu", "--no-headers"], { encoding: "utf8" }).stdout ?? "";
  const busy = ps
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && Number(l.split(/\s+/)[2]) >= 20 && !l.includes("bench/engine"))
    .slice(0, 4)
    .map((l) => l.split(/\s+/).slice(2).join(" ").slice(0, 90));
  return {
    loadavg: loadavg()
      .map((x) => x.toFixed(2))
      .join(" "),
    cores: cpus().length,
    busy,
  };
}

const loadBefore = machineLoad();
log(`machine: ${loadBefore.cores} cores, load average ${loadBefore.loadavg}`);
const extras = {};

// ---------------------------------------------------------------------------------------------
// 1. No-op repro vs snakemake -n
if (only.has("noop")) {
  const tag = `noop-${size.stages}x${size.files}`;
  const pipeDir = join(out, tag, "pipe");
  const smkDir = join(out, tag, "snakemake");
  const marker = join(out, tag, "ready.json");
  const want = JSON.stringify({ ...size, gen: readFileSync(join(here, "gen.mjs"), "utf8").length });
  const haveSnakemake = !values["no-snakemake"] && spawnSync("snakemake", ["--version"]).status === 0;
  if (values.fresh || !existsSync(marker) || readFileSync(marker, "utf8") !== want) {
    rmSync(join(out, tag), { recursive: true, force: true });
    const gen = ["--stages", String(size.stages), "--files", String(size.files), "--layers", String(size.layers)];
    for (const d of [pipeDir, smkDir]) execFileSync(process.execPath, [join(here, "gen.mjs"), d, ...gen], { stdio: ["ignore", "ignore", "inherit"] });
    log(`${tag}: first (real) pipe repro -j 2 ...`);
    const real = timeOnce(process.execPath, [PIPE, "repro", "-j", "2"], pipeDir);
    extras.pipeRealRunS = +(real.ms / 1000).toFixed(1);
    log(`${tag}: pipe real run ${fmtS(real.ms)}`);
    if (haveSnakemake) {
      log(`${tag}: first (real) snakemake -c 2 ...`);
      const sreal = timeOnce("snakemake", ["-c", "2", "--quiet"], smkDir);
      extras.snakemakeRealRunS = +(sreal.ms / 1000).toFixed(1);
      log(`${tag}: snakemake real run ${fmtS(sreal.ms)}`);
    }
    writeFileSync(marker, want);
  }
  // Both must now be up to date: check once, then time.
  const check = timeOnce(process.execPath, [PIPE, "repro"], pipeDir);
  if (!/\b0 ran, 0 restored, \d+ fresh/.test(check.stderr)) throw new Error(`pipe repro is not a no-op:\n${check.stderr.slice(-500)}`);
  log(`timing no-op pipe repro (${runs} runs) ...`);
  const pipeT = timeMany(process.execPath, [PIPE, "repro"], pipeDir, runs);
  extras.pipeNoop = pipeT;
  row(
    `no-op pipe repro, ${size.stages} stages / ${size.files} files`,
    "< 0.5 s",
    `${fmtS(pipeT.median)} (min ${fmtS(pipeT.min)}, cpu ${fmtS(pipeT.cpu)})`,
    pipeT.median < 500,
  );
  // The same no-op without the up-to-date stamp: every dep and out checked against the lock
  // through the stat cache (what the first no-op after a change costs).
  log(`timing no-op pipe repro without its stamp (${runs} runs) ...`);
  const fullT = timeMany(process.execPath, [PIPE, "repro"], pipeDir, runs, 1, ["rm", "-f", ".cache/memo/fresh-v1.json"]);
  extras.pipeNoopFullCheck = fullT;
  row("same, stamp removed (full check)", "(contrast)", `${fmtS(fullT.median)} (min ${fmtS(fullT.min)}, cpu ${fmtS(fullT.cpu)})`, null);
  if (OTHER !== null) {
    timeOnce(process.execPath, [OTHER, "repro"], pipeDir); // its own memos and stamp
    const otherT = timeMany(process.execPath, [OTHER, "repro"], pipeDir, runs);
    const otherFull = timeMany(process.execPath, [OTHER, "repro"], pipeDir, runs, 1, ["rm", "-f", ".cache/memo/fresh-v1.json"]);
    extras.compare = { dir: values.compare, noop: otherT, noopFullCheck: otherFull };
    row(`  --compare ${values.compare}: no-op`, "(before)", `${fmtS(otherT.median)} (min ${fmtS(otherT.min)}, cpu ${fmtS(otherT.cpu)})`, null);
    row(`  --compare ${values.compare}: full check`, "(before)", `${fmtS(otherFull.median)} (min ${fmtS(otherFull.min)}, cpu ${fmtS(otherFull.cpu)})`, null);
    timeOnce(process.execPath, [PIPE, "repro"], pipeDir); // leave this build's stamp in place
  }
  if (haveSnakemake) {
    const sc = timeOnce("snakemake", ["-n", "-c", "1"], smkDir);
    if (!/Nothing to be done/.test(sc.stdout + sc.stderr)) throw new Error(`snakemake -n would run jobs:\n${(sc.stdout + sc.stderr).slice(-800)}`);
    const sRuns = Math.max(3, Math.min(runs, 5));
    log(`timing snakemake -n (${sRuns} runs) ...`);
    const smkT = timeMany("snakemake", ["-n", "-c", "1"], smkDir, sRuns);
    extras.snakemakeNoop = smkT;
    const ratio = smkT.median / pipeT.median;
    row("snakemake -n, same workflow", "(reference)", `${fmtS(smkT.median)} (min ${fmtS(smkT.min)}, cpu ${fmtS(smkT.cpu)})`, null);
    row("speed-up of pipe over snakemake -n", ">= 10x", `${ratio.toFixed(1)}x wall (${(smkT.cpu / pipeT.cpu).toFixed(1)}x cpu)`, ratio >= 10);
    row("same, full check (stamp removed)", "(contrast)", `${(smkT.median / fullT.median).toFixed(1)}x wall`, null);
  } else {
    row("speed-up of pipe over snakemake -n", ">= 10x", "snakemake not installed", false);
  }

  // Profile: node startup, then each phase in-process, then a CPU profile of the real CLI.
  const nodeT = timeMany(process.execPath, ["-e", "0"], repo, runs);
  const prof = JSON.parse(timeOnce(process.execPath, [join(here, "profile-noop.mjs"), pipeDir], repo).stdout);
  const profDir = join(out, "cpuprof");
  rmSync(profDir, { recursive: true, force: true });
  timeOnce(process.execPath, ["--cpu-prof", "--cpu-prof-dir", profDir, PIPE, "repro"], pipeDir);
  const profFile = join(profDir, readdirSync(profDir)[0]);
  const summary = JSON.parse(timeOnce(process.execPath, [join(here, "cpuprof-summary.mjs"), profFile], repo).stdout);
  extras.profile = { nodeStartupMs: Math.round(nodeT.median), phasesMs: prof.ms, counts: prof.counts, cpuProfile: summary, cpuProfileFile: profFile };
}

// ---------------------------------------------------------------------------------------------
// 2. Cold hashing
if (only.has("hash")) {
  log(`hashing a ${size.hashMb} MiB file ...`);
  const r = JSON.parse(timeOnce(process.execPath, [join(here, "hash-bench.mjs"), join(out, "hash"), "--mb", String(size.hashMb), "--runs", "5"], repo).stdout);
  extras.hash = r;
  row(
    `cold hash of a ${size.hashMb} MiB file (page cache)`,
    ">= 3 GB/s",
    `${r.medianGBps} GB/s (best ${r.bestGBps}; median ${r.medianMs} ms wall, ${median(r.cpuMs).toFixed(0)} ms cpu)`,
    r.medianGBps >= 3,
  );
}

// ---------------------------------------------------------------------------------------------
// 3. Restores: a deleted big file and a deleted 1,000-file folder brought back from the cache.
if (only.has("restore")) {
  const dir = join(out, "restore");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const mb = quick ? 64 : 256;
  writeFileSync(join(dir, "seed.txt"), "seed\n");
  writeFileSync(
    join(dir, "pipeline.yaml"),
    [
      "stages:",
      "  big:",
      `    cmd: head -c ${mb * 1024 * 1024} /dev/urandom > big.bin`,
      "    deps: [seed.txt]",
      "    outs: [big.bin]",
      "  many:",
      "    cmd: mkdir -p many && for i in $(seq 1 1000); do echo $i > many/$i.txt; done",
      "    deps: [seed.txt]",
      "    outs: [many]",
      "",
    ].join("\n"),
  );
  timeOnce(process.execPath, [PIPE, "repro"], dir);
  const restoreOnce = (pipe, prep) => {
    const r = timeMany(process.execPath, [pipe, "repro"], dir, quick ? 3 : 5, 1, prep);
    const c = timeOnce(process.execPath, [pipe, "repro"], dir);
    if (!/\b0 ran/.test(c.stderr)) throw new Error(`restore bench: expected nothing to run:\n${c.stderr}`);
    return r;
  };
  log(`restores of a ${mb} MiB file and 1,000 small files ...`);
  const known = restoreOnce(PIPE, ["rm", "-rf", "big.bin", "many"]);
  const readBack = restoreOnce(PIPE, ["rm", "-rf", "big.bin", "many", ".cache/verified.json"]);
  extras.restore = { mb, verifiedKnown: known, readBack };
  row(`restore ${mb} MiB + 1,000 files, objects known verified`, "(no re-hash)", `${fmtS(known.median)} (cpu ${fmtS(known.cpu)})`, null);
  row("same, every object read back (verified.json removed)", "(first restore)", `${fmtS(readBack.median)} (cpu ${fmtS(readBack.cpu)})`, null);
  if (OTHER !== null) {
    const other = restoreOnce(OTHER, ["rm", "-rf", "big.bin", "many"]);
    extras.compare = { ...(extras.compare ?? {}), restore: other };
    row(`  --compare ${values.compare}: restore`, "(before)", `${fmtS(other.median)} (cpu ${fmtS(other.cpu)})`, null);
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Two independent 2 s stages
if (only.has("jobs")) {
  const dir = join(out, "jobs");
  const yaml = ["stages:"];
  for (const n of ["left", "right"]) yaml.push(`  ${n}:`, `    cmd: sleep 2 && echo ${n} > ${n}.txt`, "    outs:", `      - ${n}.txt`);
  const fresh = () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "pipeline.yaml"), `${yaml.join("\n")}\n`);
  };
  const measure = (j) => {
    const ms = [];
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      fresh();
      const r = timeOnce(process.execPath, [PIPE, "repro", "-j", String(j)], dir);
      if (!/2 ran/.test(r.stderr)) throw new Error(`expected 2 stages to run:\n${r.stderr}`);
      ms.push(r.ms);
    }
    return median(ms);
  };
  log("two 2 s stages, -j 2 then -j 1 ...");
  const j2 = measure(2);
  const j1 = measure(1);
  extras.jobs = { j2Ms: Math.round(j2), j1Ms: Math.round(j1) };
  row("two independent 2 s stages, pipe repro -j 2", "< 3 s", fmtS(j2), j2 < 3000);
  row("same, -j 1 (contrast)", "(~4 s expected)", fmtS(j1), null);
}

// ---------------------------------------------------------------------------------------------
const loadAfter = machineLoad();
const w = [
  Math.max(6, ...rows.map((r) => r.figure.length)),
  Math.max(6, ...rows.map((r) => r.target.length)),
  Math.max(8, ...rows.map((r) => r.measured.length)),
];
const line = (a, b, c, d) => `| ${a.padEnd(w[0])} | ${b.padEnd(w[1])} | ${c.padEnd(w[2])} | ${d.padEnd(4)} |`;
const sep = `|${"-".repeat(w[0] + 2)}|${"-".repeat(w[1] + 2)}|${"-".repeat(w[2] + 2)}|------|`;
const lines = [
  `pipe engine benchmarks${quick ? " (--quick)" : ""}: node ${process.version}, ${loadBefore.cores} cores`,
  `machine load: load average ${loadBefore.loadavg} before, ${loadAfter.loadavg} after (1/5/15 min)`,
];
const others = [...new Set([...loadBefore.busy, ...loadAfter.busy])];
if (others.length > 0 || Number(loadBefore.loadavg.split(" ")[0]) > loadBefore.cores) {
  lines.push(
    `NOTE: the machine was shared while measuring; other busy processes: ${others.length ? others.join("; ") : "(none seen at the sampled instants)"}`,
  );
  lines.push("      figures are indicative; re-run on a quiet machine for the record.");
}
lines.push("", line("figure", "target", "measured", "pass"), sep);
for (const r of rows) lines.push(line(r.figure, r.target, r.measured, r.pass === null ? "" : r.pass ? "PASS" : "FAIL"));
if (extras.profile) {
  const p = extras.profile;
  lines.push(
    "",
    `no-op profile (${p.counts.stages} stages, ${p.counts.distinctPaths} paths, ${p.counts.statCalls} hasher stats, ${p.counts.existsCalls} existsSync in buildGraph):`,
  );
  lines.push(`  ${"node startup (node -e 0)".padEnd(58)} ${String(p.nodeStartupMs).padStart(7)} ms`);
  for (const [k, v] of Object.entries(p.phasesMs)) lines.push(`  ${k.padEnd(58)} ${String(v).padStart(7)} ms`);
  lines.push(`  cpu profile of the real CLI (self time by area; ${p.cpuProfile.totalMs} ms sampled):`);
  for (const [k, v] of p.cpuProfile.byArea) lines.push(`    ${k.padEnd(56)} ${String(v).padStart(7)} ms`);
  lines.push("  hottest functions (self time):");
  for (const [k, v] of p.cpuProfile.topFunctions) lines.push(`    ${k.slice(0, 56).padEnd(56)} ${String(v).padStart(7)} ms`);
}
if (extras.pipeRealRunS !== undefined)
  lines.push("", `setup (not a target): first real run: pipe ${extras.pipeRealRunS} s, snakemake ${extras.snakemakeRealRunS ?? "-"} s`);
const text = `${lines.join("\n")}\n`;
process.stdout.write(text);
writeFileSync(join(out, quick ? "results-quick.txt" : "results.txt"), text);
writeFileSync(join(out, quick ? "results-quick.json" : "results.json"), JSON.stringify({ rows, extras, loadBefore, loadAfter }, null, 2));
process.exitCode = rows.some((r) => r.pass === false) ? 1 : 0;
