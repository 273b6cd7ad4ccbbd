import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadCheckpointDir } from '../../checkpoint/node.js';
import { readShardFile } from '../../data/node-shards.js';
import { FormatError } from '../../errors.js';
import { PRESETS, type GPTConfigInput, type PresetName } from '../../model/config.js';
import { GPT } from '../../model/gpt.js';
import { INIT_SCHEMES, type InitScheme } from '../../model/init.js';
import type { ScheduleSpec } from '../../train/schedule.js';
import type { TrainerState } from '../../train/trainer.js';
import { loadTokenizerFile } from '../../tokenizer/node-io.js';
import { UsageError, type Command, type FlagSpecs, type ParsedArgs } from '../args.js';
import { lossCurveSvg, type LossHistory } from '../loss-svg.js';
import { formatDuration, formatRate, ProgressBar } from '../progress.js';
import { runTraining, type CheckpointMeta } from '../run.js';

const SCHEDULES = ['constant', 'cosine', 'linear', 'step', 'exponential'] as const;
type ScheduleKind = (typeof SCHEDULES)[number];

/** Learning-rate flags, as stored in a checkpoint so a resumed run keeps them unless overridden. */
export interface LrSettings {
  lr: number;
  schedule: ScheduleKind;
  warmup: number;
  minLr: number;
  gamma: number;
  stepSize: number;
}

export function scheduleFor(s: LrSettings, totalSteps: number): ScheduleSpec {
  const warmupSteps = Math.min(s.warmup, Math.max(0, totalSteps - 1));
  switch (s.schedule) {
    case 'constant':
      return { kind: 'constant', lr: s.lr, warmupSteps };
    case 'cosine':
    case 'linear':
      return { kind: s.schedule, lr: s.lr, minLr: Math.min(s.minLr, s.lr), totalSteps: Math.max(totalSteps, warmupSteps + 1), warmupSteps };
    case 'step':
      return { kind: 'step', lr: s.lr, stepSize: s.stepSize, gamma: s.gamma, warmupSteps };
    case 'exponential':
      return { kind: 'exponential', lr: s.lr, gamma: s.gamma, warmupSteps };
  }
}

const MODEL_FLAGS: FlagSpecs = {
  preset: { type: 'string', value: 'NAME', help: `Model shape: ${Object.keys(PRESETS).join(', ')} (default tiny); size flags override it` },
  'n-layer': { type: 'string', value: 'N', help: 'Transformer blocks' },
  'n-head': { type: 'string', value: 'N', help: 'Attention heads (must divide --n-embd)' },
  'n-embd': { type: 'string', value: 'N', help: 'Embedding width' },
  'block-size': { type: 'string', value: 'N', help: 'Context length in tokens' },
  activation: { type: 'string', value: 'gelu|relu', help: 'MLP activation (default gelu)' },
  norm: { type: 'string', value: 'pre|post', help: 'LayerNorm placement (default pre)' },
  positional: { type: 'string', value: 'learned|sinusoidal', help: 'Position encoding (default learned)' },
  'no-bias': { type: 'boolean', help: 'Linear layers and LayerNorms without biases' },
  untied: { type: 'boolean', help: 'Separate output head instead of reusing the token embedding' },
  dropout: { type: 'string', value: 'P', help: 'Dropout probability in [0, 1) (default 0)' },
  init: { type: 'string', value: 'SCHEME', help: `Initialisation: ${INIT_SCHEMES.join(', ')} (default gpt2)` },
};

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a GPT on prepared shards, with progress, evaluation and checkpoints',
  usage: 'wasm-gpt train --data DIR --out CKPT_DIR (--steps N | --time 4m) [options]',
  flags: {
    data: { type: 'string', short: 'd', value: 'DIR', help: 'Prepared data (wasm-gpt prepare): tokenizer.json, train.bin, val.bin' },
    out: { type: 'string', short: 'o', value: 'DIR', help: 'Checkpoint directory to write (default: --resume DIR, else ./checkpoint)' },
    resume: { type: 'string', value: 'DIR', help: 'Continue exactly from this checkpoint (its settings are the defaults)' },
    steps: { type: 'string', value: 'N', help: 'Train until this optimizer step (counting a resumed run\'s steps)' },
    time: { type: 'string', value: 'DURATION', help: 'Wall-clock budget (90s, 4m, 1h); alone, it also sizes the schedule' },
    ...MODEL_FLAGS,
    'batch-size': { type: 'string', short: 'b', value: 'N', help: 'Rows per micro-batch (default 16)' },
    'grad-accum': { type: 'string', value: 'N', help: 'Micro-batches per optimizer step (default 1)' },
    lr: { type: 'string', value: 'LR', help: 'Peak learning rate (default 1e-3)' },
    schedule: { type: 'string', value: 'KIND', help: `Learning-rate schedule: ${SCHEDULES.join(', ')} (default cosine)` },
    warmup: { type: 'string', value: 'N', help: 'Linear warmup steps (default 20)' },
    'min-lr': { type: 'string', value: 'LR', help: 'Floor of cosine/linear decay (default lr/10)' },
    gamma: { type: 'string', value: 'G', help: 'Decay factor of step/exponential schedules, in (0, 1] (default 0.5 / 0.999)' },
    'step-size': { type: 'string', value: 'N', help: 'Steps between decays of the step schedule (default 100)' },
    'weight-decay': { type: 'string', value: 'W', help: 'AdamW weight decay on 2-D weights (default 0.1)' },
    'grad-clip': { type: 'string', value: 'NORM', help: 'Clip the global gradient norm (default 1; 0 disables)' },
    'eval-interval': { type: 'string', value: 'N', help: 'Evaluate on val.bin every N steps (default 50; 0 = only at the end)' },
    'eval-batches': { type: 'string', value: 'N', help: 'Validation batches per evaluation (default 10)' },
    'save-interval': { type: 'string', value: 'N', help: 'Also save the checkpoint every N steps (default 0: at the end and on Ctrl-C)' },
    seed: { type: 'string', value: 'N', help: 'Seed of initialisation, batches and dropout (default 1337)' },
    backend: { type: 'string', value: 'wasm|js', help: 'Compute backend (default wasm)' },
    threads: { type: 'string', value: 'N', help: 'Threads for the wasm core (default: all cores)' },
    'loss-svg': { type: 'string', value: 'FILE', help: 'Write the loss curve here (default CKPT_DIR/loss.svg)' },
    'no-progress': { type: 'boolean', help: 'No live progress line, only plain log lines' },
    'log-interval': { type: 'string', value: 'N', help: 'Plain-line mode: a line every N steps (default ~20 lines per run)' },
  },
  notes: [
    'Ctrl-C stops after the current step and saves the checkpoint (a second Ctrl-C quits at once).',
    'Examples:',
    '  wasm-gpt train --data data/book --out ckpt/book --preset tiny --time 4m',
    '  wasm-gpt train --resume ckpt/book --steps 2000',
  ],
  run: train,
};

async function train(args: ParsedArgs): Promise<number> {
  const resumeDir = args.string('resume');
  let saved: { dims: GPTConfigInput; params: Float32Array; state: TrainerState; meta: CheckpointMeta } | undefined;
  if (resumeDir !== undefined) {
    const ckpt = await loadCheckpointDir(resumeDir);
    const meta = ckpt.state?.meta as CheckpointMeta | undefined;
    if (ckpt.state === undefined || meta?.trainer === undefined || meta.run?.format !== 'wasm-gpt-cli-run-1') {
      throw new FormatError(`${resumeDir}: has no wasm-gpt training state to resume from (was it saved by 'wasm-gpt train'?)`);
    }
    saved = { dims: ckpt.dims, params: ckpt.params, state: { tensors: ckpt.state.tensors as TrainerState['tensors'], meta: meta.trainer }, meta };
  }
  const prev = (saved?.meta.run.settings ?? {}) as Record<string, unknown>;
  const prevNum = (k: string, d: number) => (typeof prev[k] === 'number' ? (prev[k] as number) : d);

  const dataDir = args.string('data') ?? (typeof prev.data === 'string' ? prev.data : undefined);
  if (dataDir === undefined) throw new UsageError('--data DIR is required (the output of wasm-gpt prepare)');
  const out = args.string('out') ?? resumeDir ?? 'checkpoint';
  const steps = args.int('steps', 1);
  const timeMs = args.duration('time');
  if (steps === undefined && timeMs === undefined && saved === undefined) throw new UsageError('give --steps N, --time DURATION, or both');
  if (saved !== undefined && steps !== undefined && steps <= saved.state.meta.step) {
    throw new UsageError(`--steps ${steps} is not beyond the checkpoint's step ${saved.state.meta.step}; --steps counts from the start of training`);
  }

  if (saved !== undefined) {
    for (const flag of Object.keys(MODEL_FLAGS)) {
      if (args.has(flag)) throw new UsageError(`--${flag} cannot change when resuming (the model comes from ${resumeDir})`);
    }
  }
  const backend = args.choice('backend', ['wasm', 'js'] as const, 'wasm');
  const threads = args.int('threads', 1, 256);
  const seed = args.int('seed', 0, Number.MAX_SAFE_INTEGER, prevNum('seed', 1337));

  const tokenizerPath = resolve(join(dataDir, 'tokenizer.json'));
  const [tokenizer, trainShard, valShard] = await Promise.all([
    loadTokenizerFile(tokenizerPath),
    readShardFile(join(dataDir, 'train.bin')),
    existsSync(join(dataDir, 'val.bin')) ? readShardFile(join(dataDir, 'val.bin')) : Promise.resolve(undefined),
  ]);
  if (trainShard.header.vocabSize > tokenizer.vocabSize) {
    throw new FormatError(`${join(dataDir, 'train.bin')}: ids up to ${trainShard.header.vocabSize}, but ${tokenizerPath} has ${tokenizer.vocabSize} ids`);
  }

  let gpt: GPT;
  if (saved !== undefined) {
    if (saved.dims.vocabSize !== tokenizer.vocabSize) {
      throw new FormatError(`${resumeDir}: the model has ${saved.dims.vocabSize} token ids, the tokenizer in ${dataDir} has ${tokenizer.vocabSize}`);
    }
    gpt = await GPT.fromParameters(saved.dims, saved.params, { backend, threads });
  } else {
    const preset = args.choice('preset', Object.keys(PRESETS) as PresetName[], 'tiny');
    const config: GPTConfigInput = { preset, vocabSize: tokenizer.vocabSize };
    config.nLayer = args.int('n-layer', 1);
    config.nHead = args.int('n-head', 1);
    config.nEmbd = args.int('n-embd', 1);
    config.blockSize = args.int('block-size', 1);
    config.activation = args.choice('activation', ['gelu', 'relu'] as const);
    config.norm = args.choice('norm', ['pre', 'post'] as const);
    config.positional = args.choice('positional', ['learned', 'sinusoidal'] as const);
    if (args.flag('no-bias')) config.bias = false;
    if (args.flag('untied')) config.tieEmbeddings = false;
    config.dropout = args.number('dropout', (v) => v >= 0 && v < 1, 'a number in [0, 1)');
    const init = args.choice('init', INIT_SCHEMES as readonly InitScheme[], 'gpt2');
    gpt = await GPT.create(config, { backend, threads, seed, init });
  }

  const lrSettings: LrSettings = {
    lr: args.number('lr', (v) => v > 0 && v < 10, 'a number in (0, 10)', prevNum('lr', 1e-3)),
    schedule: args.choice('schedule', SCHEDULES, (prev.schedule as ScheduleKind | undefined) ?? 'cosine'),
    warmup: args.int('warmup', 0, undefined, prevNum('warmup', 20)),
    minLr: NaN,
    gamma: NaN,
    stepSize: args.int('step-size', 1, undefined, prevNum('stepSize', 100)),
  };
  lrSettings.minLr = args.number('min-lr', (v) => v >= 0 && v <= lrSettings.lr, `a number in [0, --lr = ${lrSettings.lr}]`, prevNum('minLr', lrSettings.lr / 10));
  lrSettings.gamma = args.number('gamma', (v) => v > 0 && v <= 1, 'a number in (0, 1]', prevNum('gamma', lrSettings.schedule === 'step' ? 0.5 : 0.999));
  const batchSize = args.int('batch-size', 1, undefined, prevNum('batchSize', 16));
  const gradAccumSteps = args.int('grad-accum', 1, undefined, prevNum('gradAccumSteps', 1));
  const evalInterval = args.int('eval-interval', 0, undefined, prevNum('evalInterval', 50));
  const evalBatches = args.int('eval-batches', 1, undefined, prevNum('evalBatches', 10));
  const weightDecay = args.number('weight-decay', (v) => v >= 0, 'a number ≥ 0', prevNum('weightDecay', 0.1));
  const gradClip = args.number('grad-clip', (v) => v >= 0, 'a number ≥ 0 (0 disables clipping)', prevNum('gradClip', 1));
  const saveEvery = args.int('save-interval', 0, undefined, 0);
  const logEvery = args.int('log-interval', 1);
  const blockSize = gpt.config.blockSize;
  const totalSteps = steps ?? (timeMs === undefined ? prevNum('steps', NaN) : undefined);
  if (totalSteps !== undefined && Number.isNaN(totalSteps)) throw new UsageError('give --steps N or --time DURATION to say how far to continue');
  if (totalSteps !== undefined && saved !== undefined && totalSteps <= saved.state.meta.step) {
    throw new UsageError(`the checkpoint is already at step ${saved.state.meta.step} of ${totalSteps}; pass a larger --steps or a --time budget`);
  }

  const settings = {
    ...lrSettings, data: resolve(dataDir), batchSize, gradAccumSteps, evalInterval, evalBatches, weightDecay, gradClip, seed,
    steps: totalSteps,
  };
  const history: LossHistory = saved?.meta.run.history ?? { train: [], val: [] };
  const progress = new ProgressBar(process.stdout, {
    totalSteps,
    ...(logEvery === undefined ? {} : { lineEvery: logEvery }),
    ...(args.flag('no-progress') ? { tty: false } : {}),
  });

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    progress.log('interrupt: finishing this step and saving the checkpoint (Ctrl-C again to quit at once)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);

  const params = gpt.parameterCount;
  console.log(`model: ${gpt.config.nLayer} layers, ${gpt.config.nHead} heads, ${gpt.config.nEmbd} wide, context ${blockSize}, vocabulary ${gpt.config.vocabSize}: ${params.toLocaleString('en-US')} parameters (${gpt.backend})`);
  console.log(`data: ${trainShard.tokens.length} train / ${valShard?.tokens.length ?? 0} val tokens; batch ${batchSize}×${blockSize}${gradAccumSteps > 1 ? `×${gradAccumSteps}` : ''}; ${saved ? `resuming at step ${saved.state.meta.step}` : 'from scratch'}`);

  const result = await runTraining({
    gpt,
    trainerOptions: {
      trainData: trainShard.tokens, valData: valShard?.tokens, batchSize, blockSize, gradAccumSteps, weightDecay,
      gradClip: gradClip === 0 ? Infinity : gradClip, evalInterval, evalBatches, seed,
    },
    schedule: (total) => scheduleFor(lrSettings, total),
    totalSteps,
    timeBudgetMs: timeMs,
    resume: saved?.state,
    history,
    checkpointDir: out,
    saveEvery,
    extraFiles: { 'tokenizer.json': await readFile(tokenizerPath, 'utf8') },
    runMeta: { settings, tokenizer: tokenizerPath },
    progress,
    signal: controller.signal,
  });
  const svgPath = args.string('loss-svg') ?? join(out, 'loss.svg');
  await writeFile(svgPath, lossCurveSvg(history));
  process.off('SIGINT', onSigint);

  const val = result.finalValLoss === undefined ? '' : `, val loss ${result.finalValLoss.toFixed(4)}`;
  console.log(`${result.aborted ? 'interrupted' : 'done'} at step ${result.finalStep}: loss ${result.lastLoss.toFixed(4)}${val}; ${result.steps} steps in ${formatDuration(result.trainMs)}, median ${formatRate(result.medianTokensPerSec)} tok/s`);
  console.log(`checkpoint: ${resolve(out)}${result.aborted ? ' (saved on interrupt)' : ''}; loss curve: ${resolve(svgPath)}`);
  return result.aborted ? 130 : 0;
}
