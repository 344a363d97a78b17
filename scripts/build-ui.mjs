// Bundles pipe ui's web app (web/) into dist/ui/ with esbuild: app.js (the pages, dagre) and a lazy
// chunk for the charts (ECharts), minified, plus index.html and app.css. Prints each file's size.
// `npm run build` runs it after tsc; `node scripts/build-ui.mjs --dev` keeps it unminified.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(repo, "dist", "ui");
const dev = process.argv.includes("--dev");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: { app: join(repo, "web", "src", "main.ts") },
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "browser",
  target: ["chrome110", "firefox110", "safari16"],
  minify: !dev,
  sourcemap: false,
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
});
copyFileSync(join(repo, "web", "index.html"), join(out, "index.html"));
copyFileSync(join(repo, "web", "app.css"), join(out, "app.css"));

const files = [...Object.keys(result.metafile.outputs).map((f) => join(repo, f)), join(out, "index.html"), join(out, "app.css")];
let total = 0;
let totalGz = 0;
for (const f of files) {
  const size = statSync(f).size;
  const gz = gzipSync(readFileSync(f)).length;
  total += size;
  totalGz += gz;
  if (process.argv.includes("--sizes"))
    console.log(`${relative(repo, f).padEnd(40)} ${(size / 1024).toFixed(1).padStart(7)} KiB  gzip ${(gz / 1024).toFixed(1).padStart(6)} KiB`);
}
console.log(`pipe ui bundle: dist/ui ${(total / 1024).toFixed(0)} KiB (gzip ${(totalGz / 1024).toFixed(0)} KiB)`);
