// model-contract/wordpiece.ts against transformers.js with the real distilbert-base-uncased tokenizer files:
// crafted edge cases, seeded random texts over awkward characters, truncation, cache clearing, and
// the tokenizer.json settings it refuses (model-contract/paper-tokenizer.ts then falls back to transformers.js).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { describeWithMirror } from "./helpers/needs-mirror.js";
import { mirrorModelDir } from "#common/mirror.js";
import { loadPaperTokenizer, truncateIds } from "#model-contract/paper-tokenizer.js";
import { mulberry32 } from "#common/random.js";
import { createWordPiece, loadWordPiece, UnsupportedTokenizerError, type TokenizerJson, type WordPiece } from "#model-contract/wordpiece.js";

const mirror = mirrorModelDir("distilbert-base-uncased");

const EDGE_CASES = [
  "",
  " ",
  "   \t\n\r  ",
  "Attention Is All You Need. We propose the Transformer!",
  "naïve café résumé Ångström Øresund Straße ŒUVRE ﬁne ligature",
  "ΑΣ ΑΣ. ΟΔΟΣ ΟΔΟΣ.Α σίσυφος İstanbul ǅemal",
  "中文文本 and 日本語のテキスト, 한국어 텍스트 中a文b 𠀀𪚥 (supplementary CJK)",
  "emoji 😀👍🏽 👨‍👩‍👧 flags 🇫🇷 ✓ ★ ∑ ∞ ≤ ≥ ± → ←",
  "control\u0000chars\u0001in\u0007words\u000bvertical\u000cform\u007fdel\u0085nel\u200bzero\u200dwidth\ufeffbom\ufffdrepl",
  "weird spaces:\u00a0nbsp\u2002en\u2003em\u2009thin\u3000ideographic\u2028line\u2029para\u1680ogham\u202fnarrow",
  "LaTeX $\\alpha$ and $$\\sum_{i=1}^{n} x_i^2$$ with \\mathcal{O}(n \\log n) and 10^{-3}",
  "punctuation: a.b,c;d:e!f?g\"h'i`j~k@l#m$n%o^p&q*r(s)t-u_v=w+x[y]z{a}b|c\\d/e<f>g",
  "unicode punct: «quoted» „low“ ‘single’ – en — em … ellipsis ¿inverted? ¡bang! · middle dot § ¶ † ‡ ※",
  "x".repeat(100) + " " + "y".repeat(101) + " " + "é".repeat(101) + " " + "a".repeat(99) + "é",
  "pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism supercalifragilistic",
  "unknown chars: ⵣ ꙮ 𓀀 \ud800 lone \udc00 surrogates \ud83d",
  "special tokens [CLS] [SEP] [MASK] [PAD] [UNK] inline[SEP]glued [sep] [Sep] [[SEP]] [SEP",
  "##prefix ## #hash C++ C# F# .NET node.js e-mail U.S.A. 3.14159 1,000,000 2023-10-09",
  "MiXeD CaSe WoRdS and ALLCAPS and camelCaseIdentifiers and snake_case_names",
  "tabs\tbetween\twords\nnew\nlines\r\nwindows\rmac",
  "combining: e\u0301 a\u0308 n\u0303 o\u0302\u0323 stacked z\u0336\u0337 (and Mc: क\u093e)",
  "fullwidth ＡＢＣ１２３ half-width ｶﾀｶﾅ roman Ⅷ superscript x² subscript H₂O ½",
  "right-to-left: العربية עברית mixed with english",
  "[SEP]",
  "a",
];

/** Random texts over characters where tokenizers disagree if they differ at all. */
function randomTexts(count: number, seed: number, { maxChars = 60, spaces = true } = {}): string[] {
  const pool = [
    ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    ..."!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    " ",
    " ",
    " ",
    "\t",
    "\n",
    "\r",
    "\u000b",
    "\u000c",
    "\u0000",
    "\u0085",
    "\u00a0",
    "\u200b",
    "\ufeff",
    "\ufffd",
    "é",
    "e\u0301",
    "\u0301",
    "ß",
    "İ",
    "Σ",
    "σ",
    "ς",
    "Α",
    "ﬁ",
    "Å",
    "\u212b",
    "ǅ",
    "ŉ",
    "中",
    "文",
    "の",
    "한",
    "\u3400",
    "\uf900",
    "𠀀",
    "😀",
    "👍🏽",
    "‍",
    "\ud800",
    "\udfff",
    "–",
    "—",
    "…",
    "«",
    "»",
    "“",
    "”",
    "‘",
    "’",
    "·",
    "¿",
    "∑",
    "≤",
    "±",
    "²",
    "₂",
    "Ⅷ",
    "Ａ",
    "[SEP]",
    "[CLS]",
    "[MASK]",
    "[PAD]",
    "[UNK]",
    "[",
    "]",
    "##",
    "the ",
    "network ",
    "learning ",
    "transformer",
    "embeddings",
    "xylophonist",
  ];
  const chars = spaces ? pool : pool.filter((c) => !/[ \t\n\r]/.test(c));
  const rand = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const n = Math.floor(rand() * maxChars);
    let s = "";
    for (let i = 0; i < n; i++) s += chars[Math.floor(rand() * chars.length)] as string;
    return s;
  });
}

describeWithMirror("wordpiece vs transformers.js", mirror !== null, "models/distilbert-base-uncased", () => {
  const dir = mirror as string;
  let reference: (texts: string[]) => number[][];
  let ours: WordPiece;
  beforeAll(async () => {
    const { AutoTokenizer } = await import("@huggingface/transformers");
    const tok = (await AutoTokenizer.from_pretrained(dir, { local_files_only: true })) as unknown as (t: string[], o: object) => { input_ids: number[][] };
    reference = (texts) => tok(texts, { truncation: false, padding: false, return_tensor: false }).input_ids;
    ours = loadWordPiece(dir);
  });

  it("gives identical ids on crafted edge cases", () => {
    const expected = reference(EDGE_CASES);
    EDGE_CASES.forEach((text, i) => expect(ours.encode(text), JSON.stringify(text)).toEqual(expected[i]));
    expect(ours.encode("")).toEqual([101, 102]);
    expect(ours.encode("[SEP]")).toEqual([101, 102, 102]);
  });

  it("gives identical ids on seeded random texts, also when words repeat (cache hits)", () => {
    const texts = randomTexts(3000, 7);
    const expected = reference(texts);
    for (let pass = 0; pass < 2; pass++) texts.forEach((text, i) => expect(ours.encode(text), JSON.stringify(text)).toEqual(expected[i]));
  });

  it("truncates like truncateIds on the whole ids, keeping [SEP]", () => {
    const texts = [...EDGE_CASES, ...randomTexts(300, 8), "word ".repeat(300), "électricité ".repeat(100)];
    const full = reference(texts);
    for (const maxLength of [2, 3, 5, 16, 64, 512]) {
      const expected = truncateIds(full, maxLength);
      texts.forEach((text, i) => expect(ours.encode(text, maxLength), `${maxLength} ${JSON.stringify(text)}`).toEqual(expected[i]));
    }
    const exact = ours.encode("one two three");
    expect(ours.encode("one two three", exact.length)).toEqual(exact);
    expect(() => ours.encode("x", 1)).toThrow(RangeError);
  });

  it("gives identical ids on long chunks without ASCII spaces (taken in segments), whole and truncated", () => {
    const cjk = "本文提出了一种基于注意力机制的神经网络模型，用于文本分类。实验表明该方法优于基线。".repeat(40);
    const texts = [cjk, `Title ${cjk}`, "Σ".repeat(300) + "\u3000ΑΣ", ...randomTexts(150, 11, { maxChars: 1500, spaces: false })];
    const full = reference(texts);
    texts.forEach((text, i) => expect(ours.encode(text), JSON.stringify(text.slice(0, 80))).toEqual(full[i]));
    for (const maxLength of [3, 16, 128]) {
      const expected = truncateIds(full, maxLength);
      texts.forEach((text, i) => expect(ours.encode(text, maxLength), JSON.stringify(text.slice(0, 80))).toEqual(expected[i]));
    }
  });

  it("gives the same ids after its caches are cleared", () => {
    const json = JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8")) as TokenizerJson;
    const small = createWordPiece(json, {}, { cacheLimit: 8 });
    const texts = [...randomTexts(500, 9), ...EDGE_CASES];
    const expected = reference(texts);
    texts.forEach((text, i) => expect(small.encode(text), JSON.stringify(text)).toEqual(expected[i]));
  });

  it("exposes the special ids", () => {
    expect([ours.clsId, ours.sepId, ours.unkId, ours.padId]).toEqual([101, 102, 100, 0]);
    expect(ours.tokenId("[MASK]")).toBe(103);
    expect(ours.tokenId("##ing")).toBe(2075);
  });

  it("refuses tokenizer.json settings it does not reproduce", () => {
    const base = JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8")) as TokenizerJson & Record<string, unknown>;
    const variants: Record<string, unknown>[] = [
      { ...base, normalizer: { ...base.normalizer, lowercase: false } },
      { ...base, normalizer: { ...base.normalizer, strip_accents: false } },
      { ...base, normalizer: { type: "NFC" } },
      { ...base, pre_tokenizer: { type: "Whitespace" } },
      { ...base, model: { ...base.model, merges: [] } },
      { ...base, added_tokens: [...(base.added_tokens ?? []), { id: 5, content: "<extra>", normalized: true }] },
      { ...base, added_tokens: [...(base.added_tokens ?? []), { id: 5, content: "lowercase" }] },
      { ...base, post_processor: null },
    ];
    for (const v of variants) expect(() => createWordPiece(v as TokenizerJson), JSON.stringify(v).slice(0, 0)).toThrow(UnsupportedTokenizerError);
    expect(() => createWordPiece(base, { remove_space: true })).toThrow(UnsupportedTokenizerError);
  });

  it("serves paper ids through model-contract/wordpiece.ts, and through transformers.js for other tokenizers", async () => {
    const texts = ["A Paper Title Attention is all you need " + "and more words ".repeat(100), "Short."];
    const fast = await loadPaperTokenizer(dir);
    expect(fast.engine).toBe("wordpiece");
    expect(fast.ids(texts, 24)).toEqual(truncateIds(reference(texts), 24));

    const other = mkdtempSync(join(tmpdir(), "pipe-wordpiece-"));
    try {
      const json = JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8")) as TokenizerJson;
      json.normalizer = { ...json.normalizer, lowercase: false };
      writeFileSync(join(other, "tokenizer.json"), JSON.stringify(json));
      writeFileSync(join(other, "tokenizer_config.json"), readFileSync(join(dir, "tokenizer_config.json")));
      const slow = await loadPaperTokenizer(other);
      expect(slow.engine).toBe("transformers.js");
      expect(slow.fallbackReason).toMatch(/lowercase/);
      // Cased: "A" and "Paper" are not the uncased ids any more.
      expect(slow.ids(texts, 24)[0]).not.toEqual(fast.ids(texts, 24)[0]);
      expect(slow.ids(texts, 24)[1]).toHaveLength(4);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
