import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint, loadCheckpointDir } from '../../checkpoint/node.js';
import { FormatError } from '../../errors.js';
import { GPT } from '../../model/gpt.js';
import type { QuantizedGPT } from '../../model/quantized.js';
import { loadTokenizerFile } from '../../tokenizer/node-io.js';
import type { Tokenizer } from '../../tokenizer/types.js';
import { UsageError, type Command, type ParsedArgs } from '../args.js';
import { generateText, type DecodeOptions } from '../decode.js';
import type { CheckpointMeta } from '../run.js';

/** Whether `dir/config.json` says the checkpoint is q8 (a quick look; the loader checks it properly). */
export function isQ8CheckpointDir(dir: string): boolean {
  try {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { quantization?: unknown };
    return config.quantization !== undefined && config.quantization !== null;
  } catch {
    return false;
  }
}

/** The tokenizer a training run recorded in `dir/training_state.json`, if any. */
export function trainedTokenizer(dir: string): string | undefined {
  try {
    const file = JSON.parse(readFileSync(join(dir, 'training_state.json'), 'utf8')) as { meta?: CheckpointMeta };
    return file.meta?.run?.tokenizer;
  } catch {
    return undefined;
  }
}

/**
 * The model of a checkpoint directory and its tokenizer (`tokenizer.json` beside it, else the one it was
 * trained with). `dtype: 'q8'` quantizes while loading; a q8 checkpoint loads as q8 whatever `dtype` says
 * unless it says 'f32', which is refused.
 */
export async function loadModelAndTokenizer(
  dir: string, options: { tokenizer?: string; backend?: 'wasm' | 'js'; threads?: number; dtype?: 'f32' | 'q8' },
): Promise<{ gpt: GPT | QuantizedGPT; tokenizer: Tokenizer }> {
  const q8File = isQ8CheckpointDir(dir);
  if (q8File && options.dtype === 'f32') throw new UsageError(`${dir} holds a q8 checkpoint: it runs as q8 only (drop --dtype f32)`);
  if (q8File || options.dtype === 'q8') {
    const path = options.tokenizer ?? (existsSync(join(dir, 'tokenizer.json')) ? join(dir, 'tokenizer.json') : trainedTokenizer(dir));
    if (path === undefined) throw new UsageError(`${dir} has no tokenizer.json; pass --tokenizer FILE`);
    const { model } = await loadCheckpoint(dir, { dtype: 'q8', backend: options.backend ?? 'wasm', threads: options.threads });
    const tokenizer = await loadTokenizerFile(path);
    if (tokenizer.vocabSize !== model.config.vocabSize) {
      model.dispose();
      throw new FormatError(`${path}: the tokenizer has ${tokenizer.vocabSize} ids, the model in ${dir} has ${model.config.vocabSize}`);
    }
    return { gpt: model, tokenizer };
  }
  const ckpt = await loadCheckpointDir(dir);
  let path = options.tokenizer;
  if (path === undefined) {
    const trainedWith = (ckpt.state?.meta as CheckpointMeta | undefined)?.run?.tokenizer;
    path = existsSync(join(dir, 'tokenizer.json')) ? join(dir, 'tokenizer.json') : trainedWith;
    if (path === undefined) throw new UsageError(`${dir} has no tokenizer.json; pass --tokenizer FILE`);
  }
  const tokenizer = await loadTokenizerFile(path);
  if (tokenizer.vocabSize !== ckpt.dims.vocabSize) {
    throw new FormatError(`${path}: the tokenizer has ${tokenizer.vocabSize} ids, the model in ${dir} has ${ckpt.dims.vocabSize}`);
  }
  const gpt = await GPT.fromParameters(ckpt.dims, ckpt.params, { backend: options.backend ?? 'wasm', threads: options.threads });
  return { gpt, tokenizer };
}

/** The decoding flags shared by `sample` (and documented once). */
export function decodeOptionsFromArgs(args: ParsedArgs): Partial<DecodeOptions> {
  const o: Partial<DecodeOptions> = {};
  o.maxNewTokens = args.int('max-new-tokens', 1, undefined, 200);
  o.temperature = args.number('temperature', (v) => v >= 0, 'a number ≥ 0 (0 = greedy)', 1);
  if (args.flag('greedy')) {
    if (args.has('temperature') && o.temperature !== 0) throw new UsageError('--greedy contradicts --temperature (greedy is temperature 0)');
    o.temperature = 0;
  }
  o.topK = args.int('top-k', 0, undefined, 0);
  o.topP = args.number('top-p', (v) => v > 0 && v <= 1, 'a number in (0, 1]', 1);
  o.minP = args.number('min-p', (v) => v >= 0 && v <= 1, 'a number in [0, 1]', 0);
  o.repetitionPenalty = args.number('repetition-penalty', (v) => v > 0, 'a number > 0', 1);
  o.noRepeatNgramSize = args.int('no-repeat-ngram', 0, undefined, 0);
  o.numBeams = args.int('beams', 1, undefined, 1);
  o.lengthPenalty = args.number('length-penalty', () => true, 'a number', 1);
  o.stop = args.strings('stop');
  o.seed = args.int('seed', 0, 2 ** 32 - 1, 0);
  o.earlyStopping = args.flag('early-stopping');
  o.onContextFull = args.choice('on-context-full', ['slide', 'stop'] as const, 'slide');
  if (o.numBeams > 1) {
    for (const f of ['temperature', 'top-k', 'top-p', 'min-p', 'greedy'] as const) {
      if (args.has(f)) throw new UsageError(`--${f} does not apply to beam search (--beams ${o.numBeams}): beam search is deterministic`);
    }
  } else if (args.has('length-penalty') || args.has('early-stopping')) {
    throw new UsageError(`--${args.has('length-penalty') ? 'length-penalty' : 'early-stopping'} applies to beam search only (add --beams N)`);
  }
  if (o.temperature === 0 && (args.has('top-k') || args.has('top-p') || args.has('min-p'))) throw new UsageError('--top-k/--top-p/--min-p need sampling (temperature > 0), not greedy decoding');
  return o;
}

export const sampleCommand: Command = {
  name: 'sample',
  summary: 'generate text from a checkpoint, streamed to stdout',
  usage: 'wasm-gpt sample --checkpoint DIR [--prompt TEXT] [decoding options]',
  flags: {
    checkpoint: { type: 'string', short: 'c', value: 'DIR', help: 'Checkpoint directory (wasm-gpt train, or a Hugging Face GPT-2 directory)' },
    tokenizer: { type: 'string', value: 'FILE', help: 'tokenizer.json (default: the one in the checkpoint directory)' },
    prompt: { type: 'string', short: 'p', value: 'TEXT', help: 'Text to continue (default: start from the end-of-text token)' },
    'max-new-tokens': { type: 'string', short: 'n', value: 'N', help: 'Tokens to generate (default 200)' },
    greedy: { type: 'boolean', help: 'Always take the most likely token (same as --temperature 0)' },
    temperature: { type: 'string', short: 't', value: 'T', help: 'Sampling temperature (default 1; 0 = greedy)' },
    'top-k': { type: 'string', value: 'K', help: 'Sample among the K most likely tokens (default 0 = all)' },
    'top-p': { type: 'string', value: 'P', help: 'Nucleus sampling: smallest set with probability ≥ P, in (0, 1] (default 1)' },
    'min-p': { type: 'string', value: 'P', help: 'Drop tokens less likely than P × the most likely, in [0, 1] (default 0 = off)' },
    'repetition-penalty': { type: 'string', value: 'R', help: 'Divide logits of tokens already present by R > 0 (default 1 = off)' },
    'no-repeat-ngram': { type: 'string', value: 'N', help: 'Never repeat an N-gram of the context (default 0 = off)' },
    beams: { type: 'string', value: 'N', help: 'Beam search with N beams (default 1 = no beam search)' },
    'length-penalty': { type: 'string', value: 'A', help: 'Beam score = log-prob / length^A (default 1)' },
    'early-stopping': { type: 'boolean', help: 'Beam search: stop once N sequences have ended (default: search on while a beam can still win)' },
    'on-context-full': { type: 'string', value: 'slide|stop', help: 'When the context window is full: slide it and go on (default), or stop' },
    stop: { type: 'string', multiple: true, value: 'TEXT', help: 'Stop before this text (repeatable)' },
    'num-samples': { type: 'string', value: 'N', help: 'Independent samples, separated by a rule (default 1)' },
    seed: { type: 'string', short: 's', value: 'N', help: 'Sampling seed (default 0): same seed, same text' },
    backend: { type: 'string', value: 'wasm|js', help: 'Compute backend (default wasm)' },
    threads: { type: 'string', value: 'N', help: 'Threads for the wasm core (default: all cores)' },
    dtype: { type: 'string', value: 'f32|q8', help: 'Weights: float32 (default), or q8 = int8 blocks, quantized while loading (~0.28× the memory, ~2× faster decode); a q8 checkpoint is always q8' },
  },
  notes: [
    'Order of the sampling filters: repetition penalty, n-gram ban → temperature → top-k → top-p → min-p → sample.',
    'Example: wasm-gpt sample -c ckpt/book -p "The whale" --top-p 0.9 --temperature 0.8 -n 100',
  ],
  async run(args: ParsedArgs) {
    const dir = args.string('checkpoint');
    if (dir === undefined) throw new UsageError('--checkpoint DIR is required');
    const decode = decodeOptionsFromArgs(args);
    const samples = args.int('num-samples', 1, undefined, 1);
    const backend = args.choice('backend', ['wasm', 'js'] as const, 'wasm');
    const threads = args.int('threads', 1, 256);
    const dtype = args.has('dtype') ? args.choice('dtype', ['f32', 'q8'] as const, 'f32') : undefined;
    const { gpt, tokenizer } = await loadModelAndTokenizer(dir, { tokenizer: args.string('tokenizer'), backend, threads, dtype });
    const prompt = args.string('prompt', '');
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    for (let i = 0; i < samples; i++) {
      if (i > 0) process.stdout.write('\n\n---\n\n');
      process.stdout.write(prompt);
      for await (const piece of generateText(gpt, tokenizer, prompt, { ...decode, seed: (decode.seed ?? 0) + i }, controller.signal)) {
        process.stdout.write(piece);
      }
    }
    process.stdout.write('\n');
  },
};
