import { digestFileNode } from "../engine/src/hashing/fs.js";
const f = process.argv[2]!;
for (let i = 0; i < 4; i++) {
  const t = performance.now();
  const d = await digestFileNode(f);
  const s = (performance.now() - t) / 1000;
  console.log(d, (1.073741824 / s).toFixed(2), "GB/s");
}
