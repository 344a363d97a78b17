// Whether a real (symlink-resolved) absolute path lies inside a real root: the one test behind
// every "stays inside the project" check (declared paths, symlinks in directories, a stage's outs).
import { sep } from "node:path";

export const isInside = (realRoot: string, real: string): boolean => real === realRoot || real.startsWith(`${realRoot}${sep}`);
