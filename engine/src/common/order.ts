// Byte order (UTF-16 code unit order, as `<` compares strings): the one order used wherever output
// must not depend on locale (lock entries, manifests, fingerprints, tables).

export const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Compare records by a string key, in byte order. */
export const byKey =
  <T>(key: (item: T) => string) =>
  (a: T, b: T): number =>
    byteOrder(key(a), key(b));

/** Records with a `path`, in byte order of it (lock entries, run-cache outs). */
export const byPath = (a: { readonly path: string }, b: { readonly path: string }): number => byteOrder(a.path, b.path);
