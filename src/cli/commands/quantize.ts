import { resolve } from 'node:path';
import { loadCheckpoint, saveCheckpoint } from '../../checkpoint/node.js';
import { UsageError, type Command, type ParsedArgs } from '../args.js';
import { loadTokenizerFile } from '../../tokenizer/node-io.js';
import { isQ8CheckpointDir, trainedTokenizer } from './sample.js';

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export const quantizeCommand: Command = {
  name: 'quantize',
  summary: 'write a q8 (int8 weights) copy of a checkpoint, for inference: ~0.28× the size',
  usage: 'wasm-gpt quantize --checkpoint DIR --out DIR',
  flags: {
    checkpoint: { type: 'string', short: 'c', value: 'DIR', help: 'Float32 checkpoint directory (wasm-gpt train, or a Hugging Face GPT-2 directory)' },
    out: { type: 'string', short: 'o', value: 'DIR', help: 'Where to write the q8 checkpoint (replaced atomically if it exists)' },
    threads: { type: 'string', value: 'N', help: 'Threads for the wasm core (default: all cores)' },
  },
  notes: [
    'The tokenizer (tokenizer.json, or the file its training run used) and generation defaults are copied; its training state is not (a q8 model does not train).',
    'Sample from the result with: wasm-gpt sample -c OUT -p "..."',
  ],
  async run(args: ParsedArgs) {
    const dir = args.string('checkpoint');
    const out = args.string('out');
    if (dir === undefined || out === undefined) throw new UsageError('--checkpoint DIR and --out DIR are required');
    if (resolve(dir) === resolve(out)) throw new UsageError('--out must differ from --checkpoint (the float32 checkpoint is kept)');
    if (isQ8CheckpointDir(dir)) throw new UsageError(`${dir} is already a q8 checkpoint`);
    const t0 = performance.now();
    const { model, tokenizer, generationConfig } = await loadCheckpoint(dir, { dtype: 'q8', threads: args.int('threads', 1, 256) });
    try {
      // A run's checkpoint names its tokenizer file instead of holding it: the q8 copy holds it.
      const trainedWith = tokenizer === undefined ? trainedTokenizer(dir) : undefined;
      await saveCheckpoint(out, model, { tokenizer: tokenizer ?? (trainedWith === undefined ? undefined : await loadTokenizerFile(trainedWith)), generationConfig });
      const floatBytes = model.parameterCount * 4;
      console.log(`quantized ${dir} → ${out}: weights ${mb(floatBytes)} float32 → ${mb(model.byteLength)} q8 (${(model.byteLength / floatBytes).toFixed(3)}×) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } finally {
      model.dispose();
    }
  },
};
