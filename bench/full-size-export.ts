// Builds a transformer export with DistilBERT-base's real sizes (dim 768, 6 layers, 12 heads, FFN
// 3072) and seeded random weights: the compute and memory cost of serving real DistilBERT, which is
// what the serving targets are about, measurable here although the pretrained weights are not.
//   npx tsx bench/full-size-export.ts OUT_DIR [--max-length 512]
import { mirrorTokenizerDir, writeTinyTransformerExport } from "../serve/test/fixtures/tiny-export.js";

const out = process.argv[2];
if (out === undefined) {
  process.stderr.write("usage: npx tsx bench/full-size-export.ts OUT_DIR [--max-length N]\n");
  process.exit(2);
}
const i = process.argv.indexOf("--max-length");
const maxLength = i > 0 ? Number(process.argv[i + 1]) : 512;
const t0 = performance.now();
writeTinyTransformerExport(out, { tokenizerDir: mirrorTokenizerDir(process.cwd()), dim: 768, layers: 6, heads: 12, maxLength, seed: 7 });
process.stderr.write(`full-size random DistilBERT export in ${out} (max_length ${maxLength}) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
