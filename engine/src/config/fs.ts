// The two file-system questions config loading asks, behind an interface so tests run in memory.
// Synchronous on purpose: loading happens once at startup, where sync reads are fastest.
import { existsSync, readFileSync } from "node:fs";

export interface ConfigFs {
  /** File text, or null when the file does not exist (or is not a regular file). */
  readText(absPath: string): string | null;
  exists(absPath: string): boolean;
}

const MISSING = new Set(["ENOENT", "ENOTDIR", "EISDIR"]);

export const nodeConfigFs: ConfigFs = {
  readText(absPath) {
    try {
      return readFileSync(absPath, "utf8");
    } catch (e) {
      if (MISSING.has((e as NodeJS.ErrnoException).code ?? "")) return null;
      throw e;
    }
  },
  exists(absPath) {
    return existsSync(absPath);
  },
};
