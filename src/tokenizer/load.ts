import { FormatError, describeValue } from '../errors.js';
import { ByteLevelBPETokenizer } from './bpe.js';
import { CharTokenizer } from './char.js';
import type { Tokenizer } from './types.js';

/**
 * Load any tokenizer from the JSON its `save()` produced: a Hugging Face `tokenizer.json` (byte-level BPE)
 * or our char-tokenizer format.
 */
export function loadTokenizer(json: string | object): Tokenizer {
  let root: unknown = json;
  if (typeof json === 'string') {
    try {
      root = JSON.parse(json);
    } catch (cause) {
      throw new FormatError(`tokenizer JSON is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  }
  if (root !== null && typeof root === 'object') {
    const r = root as Record<string, unknown>;
    if (r.type === 'wasm-gpt-char') return CharTokenizer.fromJson(r);
    if (r.model !== null && typeof r.model === 'object') return ByteLevelBPETokenizer.fromTokenizerJson(r);
  }
  throw new FormatError(
    `tokenizer JSON: expected a Hugging Face tokenizer.json (with a "model" object) or {"type": "wasm-gpt-char", ...}, got ${describeValue(root)}`,
  );
}
