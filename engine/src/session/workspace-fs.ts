// The executor's own workspace operations on the real disk: removing an out before its stage runs
// (`rm` removes a symlink, never what it points to) and telling whether a path leads out of the
// project through a symlink (checked on each out a stage wrote, before anything is saved).
import { lstatSync, realpathSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { isInside } from "../files/inside.js";
import type { WorkspaceFs } from "../exec/index.js";

export function workspaceFs(root: string): WorkspaceFs {
  let realRoot: string | undefined;
  return {
    remove: (abs) => rm(abs, { recursive: true, force: true }),
    async escapes(rel) {
      // Only a symlink can lead out (folders on the way were checked when the project was opened).
      if (lstatSync(join(root, rel), { throwIfNoEntry: false })?.isSymbolicLink() !== true) return null;
      realRoot ??= realpathSync.native(root);
      let real: string;
      try {
        real = realpathSync.native(join(root, rel));
      } catch {
        return null; // dangling: it is reported as a missing output
      }
      return isInside(realRoot, real) ? null : real;
    },
  };
}
