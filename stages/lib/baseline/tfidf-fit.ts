// Fitting the TF-IDF vectorizer as scikit-learn's TfidfVectorizer.fit does: min_df, max_features (ties
// cut as numpy's argsort cuts them), terms in Python's string order, smooth idf. The vocabulary it
// returns is the model contract's (model-contract/tfidf.ts), which also transforms new documents.
import type { Csr } from "#model-contract/csr.js";
import { countTerms, GramTrie, makeVocab, toCsr, type TfidfConfig, type TfidfVocab } from "#model-contract/tfidf.js";
import { numpyArgsort } from "./sklearn-compat/numpy-argsort.js";

function validate(cfg: TfidfConfig): void {
  if (!Number.isInteger(cfg.ngramMax) || cfg.ngramMax < 1) throw new RangeError("ngram_max must be an integer >= 1");
  if (!Number.isInteger(cfg.minDf) || cfg.minDf < 1) throw new RangeError("min_df must be an integer >= 1");
  if (cfg.maxFeatures !== null && (!Number.isInteger(cfg.maxFeatures) || cfg.maxFeatures < 1)) {
    throw new RangeError("max_features must be a positive integer or null");
  }
}

/** Code-point order, as Python sorts strings (UTF-16 order differs once surrogates are involved). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (parts of code points above U+FFFF) after U+E000..U+FFFF. */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/** Learns the vocabulary and idf from `docs` and returns them with the documents' TF-IDF rows. */
export function fitTfidf(docs: readonly string[], config: TfidfConfig): { vocab: TfidfVocab; matrix: Csr } {
  validate(config);
  const trie = new GramTrie();
  const counted = countTerms(docs, (text, emit) => trie.forEachGram(text, config.ngramMax, true, emit));
  const nNodes = trie.nNodes;
  const df = new Int32Array(nNodes);
  const total = new Float64Array(nNodes);
  for (let q = 0; q < counted.ids.length; q++) {
    const id = counted.ids[q] as number;
    df[id] = (df[id] as number) + 1;
    total[id] = (total[id] as number) + (counted.counts[q] as number);
  }
  let kept: number[] = [];
  const names: string[] = [];
  for (let id = 1; id < nNodes; id++) if ((df[id] as number) >= config.minDf) kept.push(id);
  for (const id of kept) names[id] = trie.name(id);
  // sklearn sorts the terms, then keeps the max_features largest totals by numpy's argsort of that list.
  kept.sort((a, b) => compareCodePoints(names[a] as string, names[b] as string));
  const max = config.maxFeatures;
  if (max !== null && kept.length > max) {
    const top = numpyArgsort(Float64Array.from(kept, (id) => -(total[id] as number)))
      .subarray(0, max)
      .sort();
    kept = Array.from(top, (q) => kept[q] as number);
  }
  const colOf = new Int32Array(nNodes).fill(-1);
  const terms: string[] = [];
  const idf = new Float64Array(kept.length);
  const n = docs.length;
  kept.forEach((id, c) => {
    colOf[id] = c;
    terms.push(names[id] as string);
    idf[c] = Math.log((1 + n) / (1 + (df[id] as number))) + 1;
  });
  const matrix = toCsr(counted, (id) => colOf[id] as number, idf, config.sublinearTf);
  const vocab = makeVocab(config, terms, idf);
  return { vocab, matrix };
}
