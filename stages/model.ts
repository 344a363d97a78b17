// Stage `model`: resolves the backbone named by `model.name` (a local folder, the mirror, the hub)
// into artifacts/backbone/ as a transformers.js folder; with no weights anywhere and
// `fallback: random-init`, builds DistilBERT with seeded random weights (loudly, pretrained: false).
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TOKENIZER_FILES, validateSizes, writeRandomBackbone } from "#transformer/distilbert-random.js";
import { StageError, runStage, writeJsonAtomic } from "#common/io.js";
import { mirrorModelDir } from "#common/mirror.js";
import { projectRoot, readParamGroup } from "#common/params.js";

export interface ModelParams {
  name: string;
  fallback: string;
  dim: number;
  n_layers: number;
  n_heads: number;
  hidden_dim: number;
  seed: number;
  /** Seconds to wait for the hub before giving up (0: do not try the hub). */
  hub_timeout_s: number;
}

export type ModelSource = "local" | "mirror" | "hub" | "random-init";

const OUT_DIR = "artifacts/backbone";

export function checkModelParams(raw: Record<string, unknown>): ModelParams {
  const problems: string[] = [];
  const str = (key: string, dflt?: string): string => {
    const v = raw[key] ?? dflt;
    if (typeof v !== "string" || v === "") problems.push(`model.${key} must be a non-empty string`);
    return String(v);
  };
  const num = (key: string, dflt: number, min: number): number => {
    const v = raw[key] ?? dflt;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) problems.push(`model.${key} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    return Number(v);
  };
  const p: ModelParams = {
    name: str("name"),
    fallback: str("fallback", "none"),
    dim: num("dim", 128, 1),
    n_layers: num("n_layers", 2, 1),
    n_heads: num("n_heads", 2, 1),
    hidden_dim: num("hidden_dim", 512, 1),
    seed: num("seed", 0, 0),
    hub_timeout_s: num("hub_timeout_s", 20, 0),
  };
  if (problems.length === 0) {
    const sizeProblem = validateSizes({
      vocab_size: 1,
      max_position_embeddings: 1,
      dim: p.dim,
      n_layers: p.n_layers,
      n_heads: p.n_heads,
      hidden_dim: p.hidden_dim,
    });
    if (sizeProblem !== null) problems.push(sizeProblem);
  }
  if (problems.length > 0) throw new StageError(problems.join("; "));
  return p;
}

/** The ONNX weights file of a transformers.js-style folder, or null. */
export function findOnnx(dir: string): string | null {
  for (const rel of ["onnx/model.onnx", "model.onnx"]) {
    const path = join(dir, rel);
    if (existsSync(path)) return path;
  }
  return null;
}

/** Copies a folder with weights into `outDir` in the backbone layout (onnx/model.onnx). */
function copyBackbone(srcDir: string, onnxPath: string, outDir: string): Record<string, unknown> {
  mkdirSync(join(outDir, "onnx"), { recursive: true });
  for (const file of ["config.json", ...TOKENIZER_FILES]) {
    const from = join(srcDir, file);
    if (existsSync(from))
      writeFileSync(join(outDir, file), readFileSync(from)); // not copyFile: keep files writable
    else if (file !== "vocab.txt") throw new StageError(`${srcDir}: missing ${file}`);
  }
  copyFileSync(onnxPath, join(outDir, "onnx", "model.onnx"));
  chmodSync(join(outDir, "onnx", "model.onnx"), 0o644);
  const external = `${onnxPath}_data`; // weights stored as ONNX external data
  if (existsSync(external)) {
    copyFileSync(external, join(outDir, "onnx", "model.onnx_data"));
    chmodSync(join(outDir, "onnx", "model.onnx_data"), 0o644);
  }
  const config = JSON.parse(readFileSync(join(srcDir, "config.json"), "utf8")) as Record<string, unknown>;
  const sizes: Record<string, unknown> = {};
  for (const key of ["vocab_size", "max_position_embeddings", "dim", "n_layers", "n_heads", "hidden_dim", "hidden_size"]) {
    if (config[key] !== undefined) sizes[key] = config[key];
  }
  return sizes;
}

/** A folder with weights is pretrained unless its own card.json says otherwise (a random build). */
function declaredPretrained(dir: string): boolean {
  const card = join(dir, "card.json");
  if (!existsSync(card)) return true;
  return (JSON.parse(readFileSync(card, "utf8")) as { pretrained?: unknown }).pretrained !== false;
}

/** Tries the Hugging Face hub through transformers.js; returns the downloaded folder or a reason. */
async function tryHub(name: string, timeoutS: number, cacheDir: string): Promise<{ dir: string } | { reason: string }> {
  if (timeoutS <= 0) return { reason: "hub disabled (model.hub_timeout_s: 0)" };
  try {
    const { AutoModel, AutoTokenizer, env } = await import("@huggingface/transformers");
    env.allowRemoteModels = true;
    env.cacheDir = cacheDir;
    const fetchAll = (async () => {
      await AutoTokenizer.from_pretrained(name);
      const model = await AutoModel.from_pretrained(name, { dtype: "fp32", device: "cpu" });
      await model.dispose();
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${timeoutS}s`)), timeoutS * 1000);
    });
    try {
      await Promise.race([fetchAll, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return { dir: join(cacheDir, name) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { reason: `hub: ${message.split("\n")[0] ?? message}` };
  }
}

export async function main(): Promise<void> {
  const root = projectRoot();
  const params = checkModelParams(readParamGroup<Record<string, unknown>>("model"));
  const outDir = resolve(root, OUT_DIR);
  const stagingDir = `${outDir}.tmp-${process.pid}`;
  await rm(stagingDir, { recursive: true, force: true });
  const tried: string[] = [];
  let source: ModelSource | null = null;
  let card: Record<string, unknown> = {};

  const local = resolve(root, params.name);
  const mirror = mirrorModelDir(params.name);
  const candidates: [ModelSource, string | null][] = [
    ["local", existsSync(local) ? local : null],
    ["mirror", mirror],
  ];
  for (const [kind, dir] of candidates) {
    if (dir === null) {
      tried.push(`${kind}: not found`);
      continue;
    }
    const onnx = findOnnx(dir);
    if (onnx === null) {
      tried.push(`${kind}: ${dir} has no onnx/model.onnx`);
      continue;
    }
    card = { name: params.name, source: kind, pretrained: declaredPretrained(dir), ...copyBackbone(dir, onnx, stagingDir) };
    source = kind;
    break;
  }
  if (source === null) {
    const cacheDir = await mkdtemp(join(tmpdir(), "pipe-hub-"));
    try {
      const hub = await tryHub(params.name, params.hub_timeout_s, cacheDir);
      const onnx = "dir" in hub ? findOnnx(hub.dir) : null;
      if ("dir" in hub && onnx !== null) {
        card = { name: params.name, source: "hub", pretrained: true, ...copyBackbone(hub.dir, onnx, stagingDir) };
        source = "hub";
      } else {
        tried.push("reason" in hub ? hub.reason : "hub: no ONNX weights downloaded");
      }
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  }
  if (source === null) {
    if (params.fallback !== "random-init") {
      throw new StageError(`no weights for '${params.name}' (${tried.join("; ")}) and model.fallback is '${params.fallback}', not 'random-init'`);
    }
    const tokenizerDir = [local, mirror].find((d): d is string => d !== null && existsSync(join(d, "tokenizer.json")) && existsSync(join(d, "config.json")));
    if (tokenizerDir === undefined) {
      throw new StageError(`random-init needs the real config.json and tokenizer files of '${params.name}' (local folder or mirror); none found`);
    }
    const sizes = { dim: params.dim, n_layers: params.n_layers, n_heads: params.n_heads, hidden_dim: params.hidden_dim };
    card = { ...writeRandomBackbone(stagingDir, tokenizerDir, params.name, sizes, params.seed), tokenizer_from: tokenizerDir === local ? "local" : "mirror" };
    source = "random-init";
    process.stderr.write(
      `model: WARNING: no pretrained weights for '${params.name}' (${tried.join("; ")}).\n` +
        `model: WARNING: built the DistilBERT architecture with RANDOM weights (seed ${params.seed}, dim ${params.dim}, ` +
        `${params.n_layers} layers): it measures the pipeline's plumbing and speed, NOT DistilBERT's accuracy.\n`,
    );
  }
  await writeJsonAtomic(join(stagingDir, "card.json"), card);
  await rm(outDir, { recursive: true, force: true });
  mkdirSync(dirname(outDir), { recursive: true });
  await rename(stagingDir, outDir);
  process.stderr.write(`model: ${OUT_DIR} from ${source} (pretrained: ${String(card.pretrained)})\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runStage("model", main);
}
