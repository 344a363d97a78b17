// Where things live on a remote (pipe's own layout, not DVC's): `objects/ab/<rest>` for content
// objects and directory manifests (named by digest, as in `.cache/objects/`), `runs/<fp>.json` for
// the shared run cache, `exps/<id>.json` for experiment records. Pure.
import { isDigest, type Digest } from "../hashing/index.js";

export const OBJECTS = "objects/";
export const RUNS = "runs/";
export const EXPS = "exps/";

export const objectKey = (d: Digest): string => `${OBJECTS}${d.slice(0, 2)}/${d.slice(2)}`;

/** The digest an `objects/` key names; null for anything else (a stray temp file). */
export function digestOfKey(key: string): Digest | null {
  const m = /^objects\/([0-9a-f]{2})\/([0-9a-f]+(?:\.dir)?)$/.exec(key);
  if (m === null) return null;
  const d = `${m[1] as string}${m[2] as string}`;
  return isDigest(d) ? d : null;
}

const RUN_KEY = /^[0-9a-f]{8,64}$/;
export const runKey = (fp: string): string => {
  if (!RUN_KEY.test(fp)) throw new Error(`invalid run-cache key ${JSON.stringify(fp)}`);
  return `${RUNS}${fp}.json`;
};
export function fingerprintOfKey(key: string): string | null {
  const m = /^runs\/([0-9a-f]{8,64})\.json$/.exec(key);
  return m === null ? null : (m[1] as string);
}

const EXP_ID = /^[0-9a-z-]{1,64}$/;
export const expKey = (id: string): string => {
  if (!EXP_ID.test(id)) throw new Error(`invalid experiment id ${JSON.stringify(id)}`);
  return `${EXPS}${id}.json`;
};
export function expIdOfKey(key: string): string | null {
  const m = /^exps\/([0-9a-z-]{1,64})\.json$/.exec(key);
  return m === null ? null : (m[1] as string);
}
