// The remote-transfer benchmark (issue 15): pipe push / second push / pull of many small files and
// of one large file, to a directory remote, over SSH (Debian's sshd) and to S3 (s3rver, reference
// only), against rsync moving the same files in the same run. See bench/README.md.
//
//   npx tsx bench/remote/run.ts [--quick] [--small-only] [--remotes dir,ssh,s3] [--files N] [--mib N]
//                               [--drop-caches] [--jobs N] [--cpu-prof] [--keep]
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { snapshotPipe } from "../snapshot-pipe.js";
import { startS3, type S3Service } from "../../engine/test/services/s3.js";
import { sshdAvailable, startSshd, type SshService } from "../../engine/test/services/sshd.js";
import { countTree, writeLargeFile, writeSmallFiles } from "./gen.js";
import { renderTable, type Row } from "./table.js";
import { canDropCaches, must, timed, type Timing } from "./timed.js";

const REPO = resolve(import.meta.dirname, "../..");
type Kind = "dir" | "ssh" | "s3";

const { values: o } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "small-only": { type: "boolean", default: false },
    remotes: { type: "string", default: "dir,ssh,s3" },
    files: { type: "string" },
    mib: { type: "string" },
    "drop-caches": { type: "boolean", default: false },
    jobs: { type: "string" },
    "second-runs": { type: "string", default: "3" },
    "cpu-prof": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const files = Number(o.files ?? (o.quick ? 1000 : 10_000));
const mib = Number(o.mib ?? (o.quick ? 128 : 1024));
const kinds = o.remotes.split(",").map((k) => k.trim()) as Kind[];
for (const k of kinds) if (!["dir", "ssh", "s3"].includes(k)) throw new Error(`--remotes: unknown kind '${k}' (dir, ssh, s3)`);
const dropCaches = o["drop-caches"];
if (dropCaches && !canDropCaches()) throw new Error("--drop-caches needs root and a writable /proc/sys/vm/drop_caches");
const secondRuns = Number(o["second-runs"]);
const outDir = join(REPO, "bench", "out");
const work = mkdtempSync(join(tmpdir(), "pipe-bench-remote-"));
const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
const load = (): string => loadavg()[0]?.toFixed(2) ?? "?";

const PIPE = snapshotPipe(work);
let profN = 0;
function pipeEnv(label: string): NodeJS.ProcessEnv {
  if (!o["cpu-prof"]) return process.env;
  const dir = join(outDir, "remote-prof");
  mkdirSync(dir, { recursive: true });
  return { ...process.env, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir} --cpu-prof-name=${String(++profN).padStart(2, "0")}-${label}.cpuprofile` };
}
const pipe = (cwd: string, args: readonly string[]): Promise<string> => must([...PIPE, ...args], { cwd });
const pipeTimed = (cwd: string, args: readonly string[], label: string): Promise<Timing> =>
  timed([...PIPE, ...args, ...(o.jobs ? ["-j", o.jobs] : [])], { cwd, env: pipeEnv(label), dropCaches });

interface Case {
  readonly name: "small" | "large";
  readonly label: string;
  /** The tracked path inside the project. */
  readonly path: string;
  readonly project: string;
  readonly files: number;
  readonly bytes: number;
}

/** A project tracking one path with `pipe add` (a data-only project still needs a pipeline.yaml today). */
async function makeCase(name: Case["name"]): Promise<Case> {
  const project = join(work, name);
  mkdirSync(project);
  await must(["git", "init", "-q", "."], { cwd: project });
  writeFileSync(join(project, "pipeline.yaml"), "stages: {}\n");
  const path = name === "small" ? "data" : "big.bin";
  const started = performance.now();
  const made = name === "small" ? writeSmallFiles(join(project, path), files) : writeLargeFile(join(project, path), mib);
  const gen = (performance.now() - started) / 1000;
  const add = await timed([...PIPE, "add", path], { cwd: project });
  const label = name === "small" ? `${files.toLocaleString("en")} files` : `${mib >= 1024 ? `${String(mib / 1024)} GiB` : `${String(mib)} MiB`} file`;
  log(`${label}: ${(made.bytes / 1e6).toFixed(1)} MB generated in ${gen.toFixed(1)} s, pipe add in ${add.wall.toFixed(1)} s`);
  return { name, label, path, project, ...made };
}

interface Remote {
  readonly kind: Kind;
  /** The pipe remote's URL and settings (name = value; `local` ones go to .pipe/config.local). */
  readonly url: string;
  readonly settings: readonly [string, string, boolean][];
  /** rsync's destination for the push direction (a path, or host:path), null for s3. */
  readonly rsyncTo: string | null;
  readonly rsyncArgs: readonly string[];
  cleanup(): void;
}

function remoteFor(kind: Kind, c: Case, ssh: SshService | null, s3: S3Service | null): Remote {
  if (kind === "dir") {
    const root = join(work, `remote-${c.name}`);
    mkdirSync(root);
    const rsyncTo = join(work, `rsync-${c.name}`);
    return {
      kind,
      url: root,
      settings: [],
      rsyncTo,
      rsyncArgs: [],
      cleanup: () => [root, rsyncTo].forEach((p) => rmSync(p, { recursive: true, force: true })),
    };
  }
  if (kind === "ssh") {
    if (ssh === null) throw new Error("no sshd");
    const root = join(ssh.root, `pipe-${c.name}`);
    mkdirSync(root);
    const rsyncDir = join(ssh.root, `rsync-${c.name}`);
    const e = `ssh -p ${String(ssh.port)} -i ${ssh.keyfile} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR`;
    return {
      kind,
      url: `ssh://${ssh.user}@${ssh.host}:${String(ssh.port)}${root}`,
      settings: [
        ["keyfile", ssh.keyfile, false],
        ["known_hosts", "none", false],
      ],
      rsyncTo: `${ssh.user}@${ssh.host}:${rsyncDir}`,
      rsyncArgs: ["-e", e],
      cleanup: () => [root, rsyncDir].forEach((p) => rmSync(p, { recursive: true, force: true })),
    };
  }
  if (s3 === null) throw new Error("no s3rver");
  return {
    kind,
    url: `s3://${s3.bucket}/${c.name}`,
    settings: [
      ["endpointurl", s3.endpoint, false],
      ["access_key_id", s3.accessKeyId, true],
      ["secret_access_key", s3.secretAccessKey, true],
    ],
    rsyncTo: null,
    rsyncArgs: [],
    cleanup: () => undefined,
  };
}

async function configure(project: string, r: Remote): Promise<void> {
  await pipe(project, ["remote", "add", "-d", "-f", "bench", r.url]);
  for (const [key, value, local] of r.settings) await pipe(project, ["remote", "modify", ...(local ? ["--local"] : []), "bench", key, value]);
}

/** A second clone: the tracked files only (pipeline.yaml, the .dvc file, .gitignore, .pipe/config), no cache. */
async function cloneOf(c: Case, r: Remote): Promise<string> {
  const clone = join(work, `clone-${c.name}-${r.kind}`);
  mkdirSync(clone);
  await must(["git", "init", "-q", "."], { cwd: clone });
  for (const f of ["pipeline.yaml", `${c.path}.dvc`, ".gitignore"]) cpSync(join(c.project, f), join(clone, f));
  await configure(clone, r);
  return clone;
}

function checkWhole(c: Case, at: string, who: string): void {
  const got = countTree(at);
  if (got.files !== c.files || got.bytes !== c.bytes)
    throw new Error(`${who} brought ${String(got.files)} files / ${String(got.bytes)} bytes into ${at}, ${String(c.files)} / ${String(c.bytes)} expected`);
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function measure(c: Case, r: Remote): Promise<Row> {
  log(`${c.label} / ${r.kind} (load ${load()})`);
  const src = c.name === "small" ? `${c.path}/` : c.path;
  let rsyncPush: Timing | null = null;
  let rsyncPull: Timing | null = null;
  if (r.rsyncTo !== null) {
    const dest = c.name === "small" ? `${r.rsyncTo}/` : `${r.rsyncTo}/${c.path}`;
    if (c.name === "large") {
      if (r.kind === "dir") mkdirSync(r.rsyncTo, { recursive: true });
      else mkdirSync(r.rsyncTo.slice(r.rsyncTo.indexOf(":") + 1), { recursive: true });
    }
    rsyncPush = await timed(["rsync", "-a", ...r.rsyncArgs, src, dest], { cwd: c.project, dropCaches });
    log(`  rsync push ${rsyncPush.wall.toFixed(2)} s`);
  }
  await configure(c.project, r);
  const push = await pipeTimed(c.project, ["push"], `${c.name}-${r.kind}-push`);
  log(`  pipe push ${push.wall.toFixed(2)} s`);
  const again: Timing[] = [];
  for (let i = 0; i < secondRuns; i++) again.push(await pipeTimed(c.project, ["push"], `${c.name}-${r.kind}-push2`));
  if (!again.every((t) => /nothing to move/.test(t.stderr))) throw new Error(`a second push moved something:\n${again.map((t) => t.stderr).join("\n")}`);
  log(`  second push ${again.map((t) => t.wall.toFixed(2)).join(", ")} s`);
  if (r.rsyncTo !== null) {
    const back = join(work, `rsync-back-${c.name}-${r.kind}`);
    mkdirSync(back);
    const from = c.name === "small" ? `${r.rsyncTo}/` : `${r.rsyncTo}/${c.path}`;
    rsyncPull = await timed(["rsync", "-a", ...r.rsyncArgs, from, c.name === "small" ? `${back}/` : back], { cwd: work, dropCaches });
    checkWhole(c, c.name === "small" ? back : join(back, c.path), "rsync");
    rmSync(back, { recursive: true, force: true });
    log(`  rsync pull ${rsyncPull.wall.toFixed(2)} s`);
  }
  const clone = await cloneOf(c, r);
  const pull = await pipeTimed(clone, ["pull"], `${c.name}-${r.kind}-pull`);
  checkWhole(c, join(clone, c.path), "pipe pull");
  log(`  pipe pull ${pull.wall.toFixed(2)} s`);
  rmSync(clone, { recursive: true, force: true });
  r.cleanup();
  const sec = (t: Timing | null): { wall: number; cpu: number | null } | null => (t === null ? null : { wall: t.wall, cpu: t.cpu });
  return {
    case: c.label,
    remote: r.kind,
    files: c.files,
    bytes: c.bytes,
    push: sec(push) as { wall: number; cpu: number | null },
    rsyncPush: sec(rsyncPush),
    secondPush: median(again.map((t) => t.wall)),
    secondPushRuns: again.map((t) => t.wall),
    pull: sec(pull) as { wall: number; cpu: number | null },
    rsyncPull: sec(rsyncPull),
    load: loadavg()[0] ?? 0,
  };
}

async function main(): Promise<void> {
  log(`work folder ${work}; page cache ${dropCaches ? "dropped before every timed command" : "kept (sources warm for both); sync before every timed command"}`);
  const wantSsh = kinds.includes("ssh");
  if (wantSsh && !sshdAvailable()) throw new Error("the ssh remote needs /usr/sbin/sshd and ssh-keygen (run scripts/test-services.sh as root)");
  const ssh = wantSsh ? await startSshd() : null;
  const s3 = kinds.includes("s3") ? await startS3("pipe-bench") : null;
  const rows: Row[] = [];
  try {
    const cases: Case["name"][] = o["small-only"] ? ["small"] : ["small", "large"];
    for (const name of cases) {
      const c = await makeCase(name);
      for (const kind of kinds) rows.push(await measure(c, remoteFor(kind, c, ssh, s3)));
      rmSync(c.project, { recursive: true, force: true });
    }
  } finally {
    await ssh?.stop();
    await s3?.stop();
    if (!o.keep) rmSync(work, { recursive: true, force: true });
  }
  const table = renderTable(rows);
  process.stdout.write(table);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, o.quick ? "remote-quick.json" : "remote.json");
  const meta = {
    command: `bench/remote/run.sh ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString(),
    node: process.version,
    rsync: (await must(["rsync", "--version"], { cwd: work }).catch(() => "")).split("\n")[0],
    pageCache: dropCaches ? "dropped before every timed command" : "kept; sync before every timed command",
    jobs: o.jobs ?? "default",
    secondPushRuns: secondRuns,
  };
  writeFileSync(file, `${JSON.stringify({ ...meta, rows }, null, 2)}\n`);
  writeFileSync(file.replace(/\.json$/, ".txt"), table);
  log(`wrote ${file}`);
}

await main();
