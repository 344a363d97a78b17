// One `repro` at a time per project: the guard is the mutex file `.cache/repro.lock` (files/mutex.ts),
// naming its holder so that a reused pid, a zombie or a restarted container never keeps it, and
// a holder on another host (a project on a shared file system) is never declared dead from here.
import { join } from "node:path";
import { tryLock, type MutexAttempt, type MutexOptions } from "../files/mutex.js";

export function reproGuardPath(root: string): string {
  return join(root, ".cache", "repro.lock");
}

/** Take the project's repro guard now, or learn who holds it. */
export function takeReproGuard(root: string, opts: MutexOptions = {}): MutexAttempt {
  return tryLock(reproGuardPath(root), opts);
}
