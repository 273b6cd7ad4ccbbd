/**
 * A tiny Hub-layout GPT-2 folder made on the spot: a byte-level BPE trained on a repeating text, a 2-layer
 * GPT trained on it for a moment (so greedy decoding follows the text instead of near-ties), saved with its
 * tokenizer and greedy generation defaults. Public API only, as a user would build one.
 */
import { saveCheckpoint } from '../../src/checkpoint/node.js';
import { GPT } from '../../src/model/gpt.js';
import { Trainer } from '../../src/train/trainer.js';
import { trainByteLevelBPE } from '../../src/tokenizer/train-bpe.js';
import type { Tokenizer } from '../../src/tokenizer/types.js';
import type { GenerateOptions } from '../../src/sampler/options.js';

export const HUB_TEXT = 'the cat sat on the mat. the dog sat on the log. '.repeat(30);
export const HUB_PROMPT = 'the dog';
export const HUB_GENERATION: GenerateOptions = { temperature: 0, maxNewTokens: 16 };

export async function makeHubModel(steps = 60): Promise<{ gpt: GPT; tokenizer: Tokenizer }> {
  const tokenizer = trainByteLevelBPE(HUB_TEXT, { vocabSize: 270 });
  const gpt = await GPT.create({ vocabSize: tokenizer.vocabSize, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 32 }, { seed: 3 });
  const trainer = new Trainer(gpt, { trainData: Uint16Array.from(tokenizer.encode(HUB_TEXT)), batchSize: 8, lr: 1e-2, seed: 1 });
  await trainer.train({ steps });
  return { gpt, tokenizer };
}

/** Saves `makeHubModel()` as a Hub folder at `dir`; returns the model (caller disposes) and tokenizer. */
export async function saveHubModel(dir: string, steps?: number): Promise<{ gpt: GPT; tokenizer: Tokenizer }> {
  const made = await makeHubModel(steps);
  await saveCheckpoint(dir, made.gpt, { tokenizer: made.tokenizer, generationConfig: HUB_GENERATION });
  return made;
}
