// TF-IDF features as scikit-learn's TfidfVectorizer computes them (lowercase, token pattern
// `\b\w\w+\b`, word n-grams, sublinear tf, L2 rows), as CSR, from a fitted vocabulary: what a served
// baseline runs. Fitting (min_df, max_features, smooth idf) is baseline/tfidf-fit.ts, on the same counting.
import { csrNormalizeRowsL2, type Csr } from "./csr.js";

/** The vectorizer's settings; the names follow sklearn's. */
export interface TfidfConfig {
  readonly ngramMax: number;
  /** Minimum number of training documents a term must occur in. */
  readonly minDf: number;
  /** Keep only the most frequent terms (by total count over the corpus); null keeps all. */
  readonly maxFeatures: number | null;
  readonly sublinearTf: boolean;
}

/** A fitted vectorizer: terms sorted (a term's position is its column), and their idf. */
export interface TfidfVocab {
  readonly config: TfidfConfig;
  readonly terms: readonly string[];
  readonly idf: Float64Array;
  /** The terms' trie and each trie node's column (-1: not a term), for fast lookups. */
  readonly trie: GramTrie;
  readonly nodeCol: Int32Array;
}

// Python's `\w` (str.isalnum() or '_'): letters and numbers of any script, and the underscore.
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/** Lowercased word tokens of at least two characters. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/** A growable Int32 buffer. */
class IntBuf {
  a = new Int32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

/**
 * N-gram ids without building n-gram strings: a trie over token ids, where an n-gram's node is
 * keyed by (its (n-1)-gram prefix's node, its last token). Node ids start at 1; 0 is the root.
 */
export class GramTrie {
  readonly tokens = new Map<string, number>();
  readonly tokenNames: string[] = [];
  /** Open-addressing table of node ids (0: empty), keyed by the node's (parent, token). */
  private slots = new Int32Array(1 << 16);
  readonly parentOf = new IntBuf();
  readonly tokenOf = new IntBuf();

  constructor() {
    this.parentOf.push(-1);
    this.tokenOf.push(-1);
  }

  get nNodes(): number {
    return this.parentOf.n;
  }

  token(t: string, insert: boolean): number {
    let id = this.tokens.get(t);
    if (id === undefined) {
      if (!insert) return -1;
      id = this.tokenNames.length;
      this.tokens.set(t, id);
      this.tokenNames.push(t);
    }
    return id;
  }

  child(parent: number, tok: number, insert: boolean): number {
    const mask = this.slots.length - 1;
    let h = (Math.imul(parent, 0x9e3779b1) ^ Math.imul(tok + 0x7f4a7c15, 0x85ebca77)) >>> 0;
    h = (h ^ (h >>> 15)) & mask;
    const parents = this.parentOf.a;
    const toks = this.tokenOf.a;
    for (;;) {
      const node = this.slots[h] as number;
      if (node === 0) break;
      if (parents[node] === parent && toks[node] === tok) return node;
      h = (h + 1) & mask;
    }
    if (!insert) return -1;
    const id = this.parentOf.n;
    this.slots[h] = id;
    this.parentOf.push(parent);
    this.tokenOf.push(tok);
    if (id * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let node = 1; node < this.parentOf.n; node++) {
      const parent = this.parentOf.a[node] as number;
      const tok = this.tokenOf.a[node] as number;
      let h = (Math.imul(parent, 0x9e3779b1) ^ Math.imul(tok + 0x7f4a7c15, 0x85ebca77)) >>> 0;
      h = (h ^ (h >>> 15)) & mask;
      while (slots[h] !== 0) h = (h + 1) & mask;
      slots[h] = node;
    }
    this.slots = slots;
  }

  /** The n-gram a node stands for, tokens joined by single spaces. */
  name(node: number): string {
    const parts: string[] = [];
    for (let n = node; n > 0; n = this.parentOf.a[n] as number) parts.push(this.tokenNames[this.tokenOf.a[n] as number] as string);
    return parts.reverse().join(" ");
  }

  /** The node of a space-separated n-gram, inserting it. */
  insertGram(gram: string): number {
    let node = 0;
    for (const t of gram.split(" ")) node = this.child(node, this.token(t, true), true);
    return node;
  }

  /** Calls `emit` with the node of each n-gram (1..ngramMax) of the text, unigrams first. */
  forEachGram(text: string, ngramMax: number, insert: boolean, emit: (node: number) => void): void {
    const words = tokenize(text);
    const toks = new Int32Array(words.length);
    words.forEach((w, i) => {
      toks[i] = this.token(w, insert);
    });
    let prev = new Int32Array(toks.length);
    for (let i = 0; i < toks.length; i++) {
      const node = (toks[i] as number) < 0 ? -1 : this.child(0, toks[i] as number, insert);
      prev[i] = node;
      if (node >= 0) emit(node);
    }
    for (let n = 2; n <= ngramMax; n++) {
      const next = new Int32Array(Math.max(0, toks.length - n + 1));
      for (let i = 0; i < next.length; i++) {
        const p = prev[i] as number;
        const t = toks[i + n - 1] as number;
        const node = p < 0 || t < 0 ? -1 : this.child(p, t, insert);
        next[i] = node;
        if (node >= 0) emit(node);
      }
      prev = next;
    }
  }
}

function grow<T extends Int32Array | Float64Array>(arr: T, need: number): T {
  if (need <= arr.length) return arr;
  const next = new (arr.constructor as new (n: number) => T)(Math.max(need, arr.length * 2));
  next.set(arr);
  return next;
}

/**
 * Counts each document's term ids (fitting and transforming count the same way). Returns per-document
 * (id, count) lists packed into buffers, ids in first-seen order.
 */
export function countTerms(
  docs: readonly string[],
  forEachId: (text: string, emit: (id: number) => void) => void,
): { ptr: Int32Array; ids: Int32Array; counts: Int32Array } {
  const ptr = new Int32Array(docs.length + 1);
  const ids = new IntBuf();
  const counts = new IntBuf();
  let lastDoc = new Int32Array(1024).fill(-1);
  let slot = new Int32Array(1024);
  docs.forEach((text, d) => {
    forEachId(text, (id) => {
      if (id >= lastDoc.length) {
        const old = lastDoc.length;
        lastDoc = grow(lastDoc, id + 1);
        lastDoc.fill(-1, old);
        slot = grow(slot, id + 1);
      }
      if (lastDoc[id] !== d) {
        lastDoc[id] = d;
        slot[id] = counts.n;
        ids.push(id);
        counts.push(1);
      } else {
        const s = slot[id] as number;
        counts.a[s] = (counts.a[s] as number) + 1;
      }
    });
    ptr[d + 1] = ids.n;
  });
  return { ptr, ids: ids.a.subarray(0, ids.n), counts: counts.a.subarray(0, counts.n) };
}

/** Weighted, L2-normalized rows from per-document counts; `col` maps a count id to a column or -1. */
export function toCsr(
  counted: { ptr: Int32Array; ids: Int32Array; counts: Int32Array },
  col: (id: number) => number,
  idf: Float64Array,
  sublinearTf: boolean,
): Csr {
  const nDocs = counted.ptr.length - 1;
  const indptr = new Int32Array(nDocs + 1);
  const indices = new Int32Array(counted.ids.length);
  const data = new Float32Array(counted.ids.length);
  let p = 0;
  for (let d = 0; d < nDocs; d++) {
    for (let q = counted.ptr[d] as number; q < (counted.ptr[d + 1] as number); q++) {
      const c = col(counted.ids[q] as number);
      if (c < 0) continue;
      const tf = counted.counts[q] as number;
      indices[p] = c;
      data[p] = (sublinearTf ? 1 + Math.log(tf) : tf) * (idf[c] as number);
      p++;
    }
    indptr[d + 1] = p;
  }
  const m: Csr = {
    nRows: nDocs,
    nCols: idf.length,
    indptr,
    indices: indices.slice(0, p),
    data: data.slice(0, p),
  };
  return csrNormalizeRowsL2(m);
}

/** A vocabulary from its stored parts (terms in column order, and their idf). */
export function makeVocab(config: TfidfConfig, terms: readonly string[], idf: Float64Array): TfidfVocab {
  if (terms.length !== idf.length) throw new RangeError(`${terms.length} terms but ${idf.length} idf values`);
  const trie = new GramTrie();
  const cols: number[] = [];
  terms.forEach((t, c) => {
    cols[trie.insertGram(t)] = c;
  });
  const nodeCol = new Int32Array(trie.nNodes).fill(-1);
  cols.forEach((c, node) => {
    nodeCol[node] = c;
  });
  return { config, terms, idf, trie, nodeCol };
}

/** TF-IDF rows of new documents; terms outside the vocabulary are ignored. */
export function transformTfidf(vocab: TfidfVocab, docs: readonly string[]): Csr {
  const { trie, nodeCol } = vocab;
  const counted = countTerms(docs, (text, emit) =>
    trie.forEachGram(text, vocab.config.ngramMax, false, (node) => {
      const c = nodeCol[node] as number;
      if (c >= 0) emit(c);
    }),
  );
  return toCsr(counted, (id) => id, vocab.idf, vocab.config.sublinearTf);
}
