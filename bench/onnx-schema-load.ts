// Load time of the ONNX schema, the hand-written subset (stages/lib/onnx/schema.ts) against one generated
// from the official onnx.proto (onnx-buf's descriptor written as a JSON file, read by a schema module
// that is otherwise the same): in fresh processes under tsx, as the stages run, the module's import,
// Root.fromJSON + lookupType, and the first encode + decode of a small model. Prints medians; asserts nothing.
//   npx tsx bench/onnx-schema-load.ts [--runs 60]
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type * as HandWritten from "#onnx/schema.js";

type SchemaModule = typeof HandWritten;

type Variant = "hand-written" | "official";
interface Sample {
  readonly load: number;
  readonly build: number;
  readonly first: number;
  readonly total: number;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const GENERATED_PATH = join(HERE, ".onnx-schema-generated.ts");

const SMALL_MODEL = {
  irVersion: 8,
  opsetImport: [{ domain: "", version: 17 }],
  graph: {
    name: "g",
    node: [{ input: ["a", "w"], output: ["y"], name: "n0", opType: "MatMul", attribute: [{ name: "perm", type: 7, ints: [0, 2, 1] }] }],
    initializer: [{ name: "w", dims: [2, 2], dataType: 1, rawData: new Uint8Array(16) }],
    input: [{ name: "a", type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: "b" }, { dimValue: 2 }] } } } }],
    output: [{ name: "y", type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: "b" }, { dimValue: 2 }] } } } }],
  },
};

/** The generated variant's module, written beside this file for the run (it must resolve protobufjs). */
const GENERATED_MODULE = `import { readFileSync } from "node:fs";
import protobuf from "protobufjs";
let cached: protobuf.Type | undefined;
export function modelProtoType(): protobuf.Type {
  cached ??= protobuf.Root.fromJSON(JSON.parse(readFileSync(new URL("./.onnx-schema-generated.json", import.meta.url), "utf8")) as protobuf.INamespace).lookupType("onnx.ModelProto");
  return cached;
}
`;

/** One sample, in this (fresh) process. */
async function child(variant: Variant): Promise<Sample> {
  await import("protobufjs"); // loaded by both: not timed
  const t0 = performance.now();
  const { modelProtoType } = (await (variant === "hand-written" ? import("#onnx/schema.js") : import(pathToFileURL(GENERATED_PATH).href))) as SchemaModule;
  const t1 = performance.now();
  const t = modelProtoType();
  const t2 = performance.now();
  t.decode(t.encode(t.fromObject(SMALL_MODEL)).finish());
  const t3 = performance.now();
  return { load: t1 - t0, build: t2 - t1, first: t3 - t2, total: t3 - t0 };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "60" }, child: { type: "string" } } });
  if (values.child !== undefined) {
    process.stdout.write(`${JSON.stringify(await child(values.child as Variant))}\n`);
    return;
  }
  const { officialOnnxSchemaJson } = await import("../stages/test/helpers/official-onnx-schema.js");
  const runs = Number(values.runs);
  const variants: Variant[] = ["hand-written", "official"];
  const samples: Record<Variant, Sample[]> = { "hand-written": [], official: [] };
  const self = fileURLToPath(import.meta.url);
  try {
    writeFileSync(join(HERE, ".onnx-schema-generated.json"), JSON.stringify(officialOnnxSchemaJson()));
    writeFileSync(GENERATED_PATH, GENERATED_MODULE);
    for (let i = 0; i < runs + 2; i++) {
      for (const v of i % 2 === 0 ? variants : [...variants].reverse()) {
        const out = execFileSync(process.execPath, ["--import", "tsx", self, "--child", v], { encoding: "utf8" });
        if (i >= 2) samples[v].push(JSON.parse(out) as Sample); // the first rounds warm tsx's cache
      }
    }
  } finally {
    for (const f of [GENERATED_PATH, join(HERE, ".onnx-schema-generated.json")]) rmSync(f, { force: true });
  }
  process.stdout.write(`onnx schema load, median of ${runs} fresh processes each (ms):\n`);
  for (const v of variants) {
    const s = samples[v];
    const f = (k: keyof Sample): string =>
      median(s.map((x) => x[k]))
        .toFixed(2)
        .padStart(6);
    process.stdout.write(`  ${v.padEnd(12)} import/read ${f("load")}  fromJSON+lookup ${f("build")}  first encode+decode ${f("first")}  total ${f("total")}\n`);
  }
}

await main();
