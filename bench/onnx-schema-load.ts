// Load time of the ONNX schema, the hand-written subset (stages/lib/onnx/schema.ts) against one generated
// from the official onnx.proto (onnx-buf's descriptor as a JSON file, the way a generated schema would be
// shipped): in fresh processes under tsx, as the stages run, the schema's import (or the JSON's read),
// Root.fromJSON + lookupType, and the first encode + decode of a small model. Prints medians; asserts nothing.
//   npx tsx bench/onnx-schema-load.ts [--runs 60]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

type Variant = "hand-written" | "official";
interface Sample {
  readonly load: number;
  readonly build: number;
  readonly first: number;
  readonly total: number;
}

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

/** One sample, in this (fresh) process. */
async function child(variant: Variant, json: string): Promise<Sample> {
  const { default: protobuf } = await import("protobufjs"); // loaded by both: not timed
  const t0 = performance.now();
  let type: () => InstanceType<typeof protobuf.Type>;
  let t1: number;
  if (variant === "hand-written") {
    type = (await import("#onnx/schema.js")).modelProtoType;
    t1 = performance.now();
  } else {
    const descriptor = JSON.parse(readFileSync(json, "utf8")) as Parameters<typeof protobuf.Root.fromJSON>[0];
    t1 = performance.now();
    let cached: InstanceType<typeof protobuf.Type> | undefined;
    type = () => (cached ??= protobuf.Root.fromJSON(descriptor).lookupType("onnx.ModelProto"));
  }
  const t = type();
  const t2 = performance.now();
  t.decode(t.encode(t.fromObject(SMALL_MODEL)).finish());
  const t3 = performance.now();
  return { load: t1 - t0, build: t2 - t1, first: t3 - t2, total: t3 - t0 };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "60" }, child: { type: "string" }, json: { type: "string", default: "" } } });
  if (values.child !== undefined) {
    process.stdout.write(`${JSON.stringify(await child(values.child as Variant, values.json ?? ""))}\n`);
    return;
  }
  const { officialOnnxSchemaJson } = await import("../stages/test/helpers/official-onnx-schema.js");
  const dir = mkdtempSync(join(tmpdir(), "pipe-onnx-schema-"));
  const json = join(dir, "onnx-schema.json");
  writeFileSync(json, JSON.stringify(officialOnnxSchemaJson()));
  const runs = Number(values.runs);
  const variants: Variant[] = ["hand-written", "official"];
  const samples: Record<Variant, Sample[]> = { "hand-written": [], official: [] };
  const self = fileURLToPath(import.meta.url);
  try {
    for (let i = 0; i < runs + 2; i++) {
      for (const v of i % 2 === 0 ? variants : [...variants].reverse()) {
        const out = execFileSync(process.execPath, ["--import", "tsx", self, "--child", v, "--json", json], { encoding: "utf8" });
        if (i >= 2) samples[v].push(JSON.parse(out) as Sample); // the first rounds warm tsx's cache
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`onnx schema load, median of ${runs} fresh processes each (ms):\n`);
  for (const v of variants) {
    const s = samples[v];
    const f = (k: keyof Sample): string => median(s.map((x) => x[k])).toFixed(2).padStart(6);
    process.stdout.write(`  ${v.padEnd(12)} import/read ${f("load")}  fromJSON+lookup ${f("build")}  first encode+decode ${f("first")}  total ${f("total")}\n`);
  }
}

await main();
