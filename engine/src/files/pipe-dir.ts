// `.pipe/` holds pipe's state (experiments, queued runs, plots) beside the settings a team shares
// (`.pipe/config`). Its own `.gitignore` keeps everything but the shared settings out of git, so a
// project need not know what pipe writes there.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { writeTextAtomic } from "./atomic-write.js";

const IGNORE = `# pipe's local state (experiments, run queue, secrets in config.local) stays out of git;
# only the shared settings are committed.
/*
!/.gitignore
!/config
`;

/** Create `<root>/.pipe/` with its `.gitignore`; an existing one is made to ignore config.local and exp/ too. */
export async function ensurePipeDir(root: string): Promise<void> {
  const dir = join(root, ".pipe");
  await fsp.mkdir(dir, { recursive: true });
  const path = join(dir, ".gitignore");
  let text: string;
  try {
    text = await fsp.readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    await writeTextAtomic(path, IGNORE);
    return;
  }
  const lines = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  if (lines.has("/*") || lines.has("*")) return;
  const add = ["/config.local", "/exp/"].filter((l) => !lines.has(l) && !lines.has(l.slice(1)));
  if (add.length === 0) return;
  await writeTextAtomic(path, `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${add.join("\n")}\n`);
}
