// Child process for the store concurrency test: adds N records to the store at argv[2].
import { ExpStore, newId } from "../../../src/exp/index.js";

const [root, tag, count] = process.argv.slice(2);
const store = new ExpStore(root ?? ".");
for (let i = 0; i < Number(count); i++) {
  await store.add({
    schema: 1,
    id: newId(),
    name: `${tag ?? "w"}-${i}`,
    createdAt: new Date().toISOString(),
    git: null,
    status: "success",
    params: { "params.yaml": { i } },
    metrics: {},
    deps: {},
    durations: {},
  });
}
