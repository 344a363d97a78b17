// The transformer path's token ids for a text: WordPiece ids with [CLS]/[SEP], truncated to
// `maxLength` keeping the final [SEP] (as Hugging Face does; transformers.js drops it). Shared by the
// embed stage and serving, so a served paper gets exactly the ids its model was trained on.
import { resolve } from "node:path";
import { loadWordPiece, UnsupportedTokenizerError } from "./wordpiece.js";

/** A tokenizer call without truncation or padding: one id row per text. */
export type Encode = (texts: string[]) => number[][];

/** Token ids of papers, as both the embed stage and serving compute them. */
export interface PaperTokenizer {
  /** "wordpiece": wordpiece.ts (BERT-uncased); "transformers.js": any other tokenizer.json. */
  readonly engine: "wordpiece" | "transformers.js";
  /** Why wordpiece.ts could not take this tokenizer.json (engine "transformers.js" only). */
  readonly fallbackReason?: string;
  readonly padId: number;
  /** Ids with [CLS]/[SEP] of each text, truncated to `maxLength` keeping the final [SEP]. */
  ids(texts: readonly string[], maxLength: number): number[][];
}

/**
 * The tokenizer of a model folder (tokenizer.json): wordpiece.ts, which gives transformers.js's
 * ids many times faster, when it supports the file; otherwise transformers.js itself.
 */
export async function loadPaperTokenizer(dir: string): Promise<PaperTokenizer> {
  try {
    const wordpiece = loadWordPiece(dir);
    return { engine: "wordpiece", padId: wordpiece.padId, ids: (texts, maxLength) => texts.map((t) => wordpiece.encode(t, maxLength)) };
  } catch (err) {
    if (!(err instanceof UnsupportedTokenizerError)) throw err;
    const { AutoTokenizer } = await import("@huggingface/transformers"); // loaded only when needed
    const tokenizer = (await AutoTokenizer.from_pretrained(resolve(dir), { local_files_only: true })) as unknown as {
      (texts: string[], opts: { truncation: false; padding: false; return_tensor: false }): { input_ids: number[][] };
      pad_token_id?: number | null;
      convert_tokens_to_ids(tokens: string[]): (number | undefined)[];
    };
    const encode: Encode = (texts) => (texts.length === 0 ? [] : tokenizer(texts, { truncation: false, padding: false, return_tensor: false }).input_ids);
    return {
      engine: "transformers.js",
      fallbackReason: err.message,
      padId: tokenizer.pad_token_id ?? tokenizer.convert_tokens_to_ids(["[PAD]"])[0] ?? 0,
      ids: (texts, maxLength) => paperTokenIds(encode, texts, maxLength),
    };
  }
}

/** Truncates each row to `maxLength`, keeping its final token ([SEP]). */
export function truncateIds(rows: readonly number[][], maxLength: number): number[][] {
  return rows.map((ids) => (ids.length <= maxLength ? ids : [...ids.slice(0, maxLength - 1), ids[ids.length - 1] as number]));
}

/**
 * Cuts a long text at the first word boundary (space, punctuation, CJK character: where BERT's
 * pre-tokenizer splits) after `budget` characters, so a huge text costs no more to tokenize than a
 * long abstract; null when there is nothing to cut. WordPiece works word by word, so when the
 * clipped text still fills `maxLength` tokens its truncated ids equal the whole text's.
 */
export function clipText(text: string, budget: number): string | null {
  if (text.length <= budget) return null;
  const rest = text.slice(budget).search(/[\s\p{P}\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]/u);
  return rest < 0 ? null : text.slice(0, budget + rest);
}

/** Characters per token of the clipped prefix tokenized first (abstracts average about 5). */
const CLIP_CHARS_PER_TOKEN = 6;

/**
 * Token ids of `texts` through a tokenizer that cannot stop early (transformers.js), truncated: each
 * long text's clipped prefix is tokenized first, and only a text whose prefix falls short of
 * `maxLength` tokens (very long words) is tokenized whole. wordpiece.ts stops by itself instead.
 */
export function paperTokenIds(encode: Encode, texts: readonly string[], maxLength: number): number[][] {
  if (texts.length === 0) return [];
  const clipped = texts.map((t) => clipText(t, CLIP_CHARS_PER_TOKEN * maxLength));
  const ids = encode(clipped.map((c, i) => c ?? (texts[i] as string)));
  const redo = ids.flatMap((row, i) => (clipped[i] !== null && row.length < maxLength ? [i] : []));
  if (redo.length > 0) encode(redo.map((i) => texts[i] as string)).forEach((row, k) => (ids[redo[k] as number] = row));
  return truncateIds(ids, maxLength);
}
