// A fast BERT-uncased WordPiece tokenizer read from a Hugging Face `tokenizer.json`: the same ids as
// transformers.js (added tokens, BertNormalizer, BertPreTokenizer, WordPiece, [CLS] ... [SEP]), several
// times faster, because tokenizing must not cost the embed stage more than a sliver of the encoder's time.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Why a tokenizer.json is not one this module reproduces exactly (callers fall back to transformers.js). */
export class UnsupportedTokenizerError extends Error {}

export interface WordPiece {
  readonly clsId: number;
  readonly sepId: number;
  readonly unkId: number;
  /** The padding id transformers.js would use: the config's pad_token, else "[PAD]", else 0. */
  readonly padId: number;
  /**
   * Ids of `text` with [CLS]/[SEP]. With `maxLength`, longer results keep their first
   * `maxLength - 1` ids and the final [SEP] (truncateIds's rule), and tokenizing stops there.
   */
  encode(text: string, maxLength?: number): number[];
  tokenId(token: string): number | undefined;
}

/** The parts of tokenizer.json read here (everything else must be absent or as BERT-uncased has it). */
export interface TokenizerJson {
  added_tokens?: { id: number; content: string; lstrip?: boolean; rstrip?: boolean; normalized?: boolean }[];
  normalizer?: { type?: string; lowercase?: boolean; strip_accents?: boolean | null; clean_text?: boolean; handle_chinese_chars?: boolean } | null;
  pre_tokenizer?: { type?: string } | null;
  model?: { type?: string; vocab?: Record<string, number>; unk_token?: string; continuing_subword_prefix?: string; max_input_chars_per_word?: number };
  post_processor?: {
    type?: string;
    single?: ({ SpecialToken?: { id: string } } | { Sequence?: { id: string } })[];
    special_tokens?: Record<string, { ids: number[] }>;
  } | null;
}

export interface TokenizerConfig {
  pad_token?: string | { content?: string } | null;
  eos_token?: string | { content?: string } | null;
  remove_space?: boolean;
  do_lowercase_and_remove_accent?: boolean;
}

/** Word caches are cleared past this many entries (default), so memory stays bounded on any corpus. */
const CACHE_LIMIT = 1 << 19;
/** Longer words and chunks are not cached (a huge request must not pin its text in memory). */
const MAX_CACHED_KEY = 64;
/** A chunk longer than this goes through the general path in segments, stopping at `maxLength`. */
const LONG_CHUNK = 256;

/** ASCII classes for the fast path: word characters, BERT punctuation, the four chunk separators, the rest. */
const ALNUM = 0;
const PUNCT = 1;
const SPACE = 2;
const OTHER = 3;
const ASCII_CLASS = new Uint8Array(128).fill(OTHER);
for (let c = 33; c <= 126; c++) ASCII_CLASS[c] = /[0-9A-Za-z]/.test(String.fromCharCode(c)) ? ALNUM : PUNCT;
for (const c of [9, 10, 13, 32]) ASCII_CLASS[c] = SPACE;

// The general path, transcribed from transformers.js (tokenizers 0.2) so that it agrees on any text.
const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\uFFFD]/gu;
const CJK = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/g; // BMP only: transformers.js tests code units
const MARK = /\p{Mn}/gu;
const PUNCT_CLASS = "\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E";
const BERT_WORD = new RegExp(`[^\\s${PUNCT_CLASS}]+|[${PUNCT_CLASS}]`, "gu");
/**
 * Characters that end a segment of a long chunk: a CJK ideograph (spaced apart by the normalizer) or
 * non-ASCII whitespace (made a space; U+FEFF is not here: it is removed, so it joins its neighbours).
 * Neither is cased nor case-ignorable, both are NFD starters and no added token holds one, so
 * normalizing segments one by one equals normalizing the chunk.
 */
const SEGMENT_END = /[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/g;

/** BertNormalizer (clean_text, handle_chinese_chars, lowercase, strip_accents) on one section. */
function bertNormalize(text: string): string {
  return text
    .replace(CONTROL, (m) => (m === "\t" || m === "\n" || m === "\r" ? " " : ""))
    .replace(/\s/g, " ")
    .replace(CJK, " $& ")
    .toLowerCase()
    .normalize("NFD")
    .replace(MARK, "");
}

/** BertPreTokenizer: runs of non-space non-punctuation, and each punctuation character alone. */
function splitBertWords(normalized: string): string[] {
  return normalized.match(BERT_WORD) ?? [];
}

interface Added {
  readonly content: string;
  readonly id: number;
}

/** Splits raw text on added tokens, leftmost then longest first (transformers.js's DictionarySplitter). */
function splitAddedTokens(text: string, addedByLength: readonly Added[]): (string | Added)[] {
  const out: (string | Added)[] = [];
  let start = 0;
  for (let i = 0; i < text.length;) {
    const t = addedByLength.length === 0 ? undefined : addedByLength.find((a) => text.startsWith(a.content, i));
    if (t === undefined) {
      i++;
      continue;
    }
    if (i > start) out.push(text.slice(start, i));
    out.push(t);
    i += t.content.length;
    start = i;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** FNV-1a over lower-cased printable-ASCII word characters (`c | 32` lower-cases letters, keeps digits). */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

function pushAll(out: number[], ids: readonly number[]): void {
  for (let k = 0; k < ids.length; k++) out.push(ids[k] as number);
}

/**
 * Ids of printable-ASCII words, keyed by the lower-cased word in an open-addressing table probed
 * straight from the text with a hash computed while scanning: a hit (nearly every word of a corpus)
 * allocates nothing, where a Map would need the word sliced out as a string first. The table grows
 * with its content (small tables stay in the CPU caches) and is cleared at `limit` entries.
 */
class AsciiWordCache {
  private slots = new Int32Array(1 << 12); // entry index + 1; 0: empty; at most half full
  private mask = (1 << 12) - 1;
  private hashes = new Int32Array(1 << 11);
  private single = new Int32Array(1 << 11); // the id of a one-piece word, else -1
  private readonly keys: string[] = [];
  private readonly pieces: (readonly number[])[] = [];

  constructor(
    private readonly compute: (lowerWord: string) => readonly number[],
    private readonly limit: number,
    /** Words longer than this are [UNK] (`unk`) whatever they hold: not sliced, not looked up. */
    private readonly maxChars: number,
    private readonly unk: number,
  ) {}

  /** Appends the ids of the word text[start, end) whose FNV-1a hash is `hash`. */
  emit(text: string, start: number, end: number, hash: number, out: number[]): void {
    if (end - start > this.maxChars) {
      out.push(this.unk);
      return;
    }
    let slot = (hash ^ (hash >>> 15)) & this.mask;
    for (let e = this.slots[slot] as number; e !== 0; e = this.slots[slot] as number) {
      if (this.hashes[e - 1] === hash && sameLowerCase(text, start, end, this.keys[e - 1] as string)) {
        const id = this.single[e - 1] as number;
        if (id >= 0) out.push(id);
        else pushAll(out, this.pieces[e - 1] as readonly number[]);
        return;
      }
      slot = (slot + 1) & this.mask;
    }
    const key = text.slice(start, end).toLowerCase();
    const ids = this.compute(key);
    pushAll(out, ids);
    if (key.length > MAX_CACHED_KEY) return;
    if (this.keys.length >= this.limit) {
      this.slots.fill(0);
      this.keys.length = 0;
      this.pieces.length = 0;
    } else if (2 * (this.keys.length + 1) > this.slots.length) {
      this.grow();
    }
    const k = this.keys.length;
    this.keys.push(key);
    this.pieces.push(ids);
    this.hashes[k] = hash;
    this.single[k] = ids.length === 1 ? (ids[0] as number) : -1;
    this.place(k);
  }

  private place(k: number): void {
    const hash = this.hashes[k] as number;
    let slot = (hash ^ (hash >>> 15)) & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = k + 1;
  }

  private grow(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    const hashes = new Int32Array(size / 2);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const single = new Int32Array(size / 2);
    single.set(this.single);
    this.single = single;
    for (let k = 0; k < this.keys.length; k++) this.place(k);
  }
}

/** Whether text[start, end) (ASCII letters and digits) lower-cased is `key`. */
function sameLowerCase(text: string, start: number, end: number, key: string): boolean {
  if (key.length !== end - start) return false;
  for (let k = 0; k < key.length; k++) if ((text.charCodeAt(start + k) | 32) !== key.charCodeAt(k)) return false;
  return true;
}

/** Reads `<dir>/tokenizer.json` (and tokenizer_config.json when present). */
export function loadWordPiece(dir: string): WordPiece {
  const json = JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8")) as TokenizerJson;
  const configPath = join(dir, "tokenizer_config.json");
  const config = existsSync(configPath) ? (JSON.parse(readFileSync(configPath, "utf8")) as TokenizerConfig) : {};
  return createWordPiece(json, config);
}

function unsupported(what: string): never {
  throw new UnsupportedTokenizerError(`tokenizer.json is not BERT-uncased WordPiece: ${what}`);
}

/** Checks the settings this module assumes and returns the [CLS]/[SEP] ids of the single-text template. */
function checkSupported(json: TokenizerJson, config: TokenizerConfig): { cls: number; sep: number } {
  const n = json.normalizer;
  if (n?.type !== "BertNormalizer") unsupported(`normalizer ${n?.type ?? "none"}`);
  if (n.lowercase !== true || n.strip_accents === false || n.clean_text !== true || n.handle_chinese_chars !== true) {
    unsupported("BertNormalizer without lowercase, accent stripping, text cleaning and CJK splitting");
  }
  if (json.pre_tokenizer?.type !== "BertPreTokenizer") unsupported(`pre_tokenizer ${json.pre_tokenizer?.type ?? "none"}`);
  // transformers.js takes an untyped model with a vocab object, a subword prefix and no merges as WordPiece.
  const m = json.model;
  const untypedWordPiece = m !== undefined && m.type === undefined && "continuing_subword_prefix" in m && "unk_token" in m && !("merges" in m);
  if (m?.vocab === undefined || Array.isArray(m.vocab) || (m.type !== "WordPiece" && !untypedWordPiece)) unsupported(`model ${m?.type ?? "of unknown type"}`);
  if (config.remove_space === true || config.do_lowercase_and_remove_accent === true)
    unsupported("tokenizer_config remove_space/do_lowercase_and_remove_accent");
  // Added tokens must be printable ASCII starting with punctuation (matched where the fast path meets
  // punctuation) and impossible to produce by normalizing (no upper-case letter survives lower-casing),
  // so normalized sections never need checking against them.
  for (const t of json.added_tokens ?? []) {
    const ok = /^[!-/:-@[-`{-~][!-~]*$/.test(t.content) && /[A-Z]/.test(t.content);
    if (t.lstrip === true || t.rstrip === true || t.normalized === true || !ok) {
      unsupported(`added token ${JSON.stringify(t.content)}`);
    }
  }
  const p = json.post_processor;
  const single = p?.type === "TemplateProcessing" ? (p.single ?? []) : [];
  const names = single.map((s) =>
    "SpecialToken" in s && s.SpecialToken !== undefined ? s.SpecialToken.id : "Sequence" in s && s.Sequence !== undefined ? `$${s.Sequence.id}` : "?",
  );
  const idOf = (name: string | undefined): number | undefined =>
    name === undefined ? undefined : p?.special_tokens?.[name]?.ids.length === 1 ? p.special_tokens[name].ids[0] : undefined;
  const cls = idOf(names[0]);
  const sep = idOf(names[2]);
  if (names.length !== 3 || names[1] !== "$A" || cls === undefined || sep === undefined) unsupported("post_processor is not [CLS] $A [SEP]");
  return { cls, sep };
}

export interface WordPieceOptions {
  /** Entries per word cache before it is cleared (tests set it small to exercise clearing). */
  cacheLimit?: number;
}

export function createWordPiece(json: TokenizerJson, config: TokenizerConfig = {}, options: WordPieceOptions = {}): WordPiece {
  const cacheLimit = options.cacheLimit ?? CACHE_LIMIT;
  const { cls, sep } = checkSupported(json, config);
  const model = json.model as NonNullable<TokenizerJson["model"]> & { vocab: Record<string, number> };
  const vocab = new Map(Object.entries(model.vocab));
  const added: Added[] = (json.added_tokens ?? []).map((t) => ({ content: t.content, id: t.id }));
  for (const t of added) vocab.set(t.content, t.id); // as transformers.js does
  const unkToken = model.unk_token ?? "[UNK]";
  const unk = vocab.get(unkToken);
  if (unk === undefined) unsupported(`unk_token ${unkToken} not in the vocabulary`);
  const prefix = model.continuing_subword_prefix ?? "##";
  const maxChars = model.max_input_chars_per_word ?? 100;
  // No vocabulary entry is longer than this many code points: longer candidates are never looked up.
  let maxPiece = 1;
  for (const key of vocab.keys()) maxPiece = Math.max(maxPiece, [...key].length);
  const addedByLength = [...added].sort((a, b) => b.content.length - a.content.length);
  const addedFirst = new Uint8Array(128);
  for (const t of added) addedFirst[t.content.charCodeAt(0)] = 1;
  // transformers.js's pad_token_id (pad_token, else eos_token), else "[PAD]" as serving always did.
  const special = (t: TokenizerConfig["pad_token"]): string | undefined => (typeof t === "string" ? t : (t?.content ?? undefined));
  const padName = special(config.pad_token) || special(config.eos_token);
  const padId = (padName ? vocab.get(padName) : undefined) ?? vocab.get("[PAD]") ?? 0;

  /** Greedy longest-match-first WordPiece of one normalized word, over code points as transformers.js. */
  const pieces = (word: string): number[] => {
    const bounds: number[] = [0];
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < word.length) {
        const d = word.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      if (bounds.push(i + 1) > maxChars + 1) return [unk];
    }
    const chars = bounds.length - 1;
    const ids: number[] = [];
    for (let start = 0; start < chars;) {
      let found: number | undefined;
      let end = Math.min(chars, start + maxPiece);
      for (; end > start; end--) {
        const sub = word.slice(bounds[start], bounds[end]);
        found = vocab.get(start > 0 ? prefix + sub : sub);
        if (found !== undefined) break;
      }
      if (found === undefined) return [unk];
      ids.push(found);
      start = end;
    }
    return ids;
  };

  const asciiWords = new AsciiWordCache(pieces, cacheLimit, maxChars, unk);
  const punctIds = new Int32Array(128);
  for (let c = 0; c < 128; c++) if (ASCII_CLASS[c] === PUNCT) punctIds[c] = pieces(String.fromCharCode(c))[0] as number;
  // The general path's caches: normalized word → ids, raw chunk → ids.
  const wordCache = new Map<string, readonly number[]>();
  const chunkCache = new Map<string, readonly number[]>();
  const remember = (cache: Map<string, readonly number[]>, key: string, ids: readonly number[]): readonly number[] => {
    if (key.length > MAX_CACHED_KEY) return ids;
    if (cache.size >= cacheLimit) cache.clear();
    cache.set(key, ids);
    return ids;
  };
  /** The transformers.js steps, in order, for one whitespace-free chunk that is not plain printable ASCII. */
  const generalChunk = (chunk: string): readonly number[] => {
    const ids: number[] = [];
    for (const section of splitAddedTokens(chunk, addedByLength)) {
      if (typeof section !== "string") ids.push(section.id);
      else for (const w of splitBertWords(bertNormalize(section))) pushAll(ids, wordCache.get(w) ?? remember(wordCache, w, pieces(w)));
    }
    return ids;
  };

  /** A long chunk (CJK text, say) segment by segment; false once `out` is past `limit`. */
  const longChunk = (chunk: string, out: number[], limit: number): boolean => {
    SEGMENT_END.lastIndex = 0;
    for (let start = 0; start < chunk.length && out.length <= limit;) {
      const end = SEGMENT_END.exec(chunk) === null ? chunk.length : SEGMENT_END.lastIndex;
      pushAll(out, generalChunk(chunk.slice(start, end)));
      start = end;
    }
    return out.length <= limit;
  };

  const encode = (text: string, maxLength = Infinity): number[] => {
    if (!(maxLength >= 2)) throw new RangeError(`maxLength must be at least 2, got ${maxLength}`);
    // Once out ([CLS] + content) is longer than this, the result is cut: later text cannot matter.
    const limit = maxLength - 1;
    const out: number[] = [cls];
    const n = text.length;
    let chunkStart = 0;
    let chunkOut = 1;
    let word = -1;
    let hash = FNV_OFFSET;
    let i = 0;
    // One pass over code units. Chunks (between ASCII spaces, tabs, line breaks) of printable ASCII
    // are split here; a chunk holding anything else is undone and redone by the general path. Chunks
    // are independent: ASCII whitespace bounds every normalizer step (lower-casing's final-sigma
    // context, NFD reordering) and no added token spans one.
    while (i < n) {
      const c = text.charCodeAt(i);
      const kind = c < 128 ? (ASCII_CLASS[c] as number) : OTHER;
      if (kind === ALNUM) {
        if (word < 0) {
          word = i;
          hash = FNV_OFFSET;
        }
        hash = Math.imul(hash ^ (c | 32), FNV_PRIME);
        i++;
        continue;
      }
      if (word >= 0) asciiWords.emit(text, word, i, hash, out);
      word = -1;
      if (kind === PUNCT) {
        const t = addedFirst[c] === 1 ? addedByLength.find((a) => text.startsWith(a.content, i)) : undefined;
        out.push(t === undefined ? (punctIds[c] as number) : t.id);
        i += t === undefined ? 1 : t.content.length;
      } else if (kind === SPACE) {
        i++;
        if (out.length > limit) break;
        chunkStart = i;
        chunkOut = out.length;
      } else {
        let end = i + 1;
        while (end < n && !(text.charCodeAt(end) < 128 && ASCII_CLASS[text.charCodeAt(end)] === SPACE)) end++;
        out.length = chunkOut;
        const chunk = text.slice(chunkStart, end);
        if (chunk.length <= LONG_CHUNK) pushAll(out, chunkCache.get(chunk) ?? remember(chunkCache, chunk, generalChunk(chunk)));
        else if (!longChunk(chunk, out, limit)) break;
        i = end;
      }
    }
    if (word >= 0) asciiWords.emit(text, word, n, hash, out);
    if (out.length > limit) out.length = limit;
    out.push(sep);
    return out;
  };

  return { clsId: cls, sepId: sep, unkId: unk, padId, encode, tokenId: (token) => vocab.get(token) };
}
