/**
 * The user-facing model configuration: validation with errors that name the key, defaults (GPT-2's choices),
 * and named presets.
 */
import { ConfigError, describeValue } from '../errors.js';
import type { ModelDims } from './layout.js';
import { rejectUnknownKeys } from '../options.js';

/** Every architecture option. GPT-2/3 use: gelu, pre-norm, learned positions, biases, tied embeddings. */
export type GPTConfig = ModelDims;

/** What a user passes: the five sizes are required (or come from `preset`), the rest default to GPT-2's. */
export type GPTConfigInput = Partial<GPTConfig> & { preset?: PresetName };

const SIZE_KEYS = ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd'] as const;

export const GPT_DEFAULTS: Omit<GPTConfig, (typeof SIZE_KEYS)[number]> = {
  activation: 'gelu',
  norm: 'pre',
  positional: 'learned',
  bias: true,
  tieEmbeddings: true,
  dropout: 0,
  layerNormEps: 1e-5,
};

/**
 * Named shapes. `gpt2*` are OpenAI's GPT-2 sizes (GPT-2's 50257-token vocabulary); `tiny` and `small` are the
 * benchmark configs (byte/char-level vocabularies); `mini` is nanoGPT's "baby GPT" Shakespeare shape.
 */
export const PRESETS = {
  tiny: { vocabSize: 256, blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128 },
  mini: { vocabSize: 256, blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384 },
  small: { vocabSize: 4096, blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384 },
  gpt2: { vocabSize: 50257, blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768 },
  'gpt2-medium': { vocabSize: 50257, blockSize: 1024, nLayer: 24, nHead: 16, nEmbd: 1024 },
  'gpt2-large': { vocabSize: 50257, blockSize: 1024, nLayer: 36, nHead: 20, nEmbd: 1280 },
} as const satisfies Record<string, Pick<GPTConfig, (typeof SIZE_KEYS)[number]>>;

export type PresetName = keyof typeof PRESETS;

const ALLOWED_KEYS = new Set<string>(['preset', ...SIZE_KEYS, ...Object.keys(GPT_DEFAULTS)]);

function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new ConfigError(key, `GPTConfig.${key} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(value)}`);
  }
  return value as T;
}

/** Fills defaults, applies the preset, and checks every key; throws `ConfigError` naming the first bad key. */
export function resolveConfig(input: GPTConfigInput | PresetName): GPTConfig {
  const raw: Record<string, unknown> = typeof input === 'string' ? { preset: input } : { ...input };
  if (raw === null || typeof raw !== 'object') throw new ConfigError('config', `GPTConfig must be an object or a preset name, got ${describeValue(input)}`);
  rejectUnknownKeys('GPTConfig', raw, ALLOWED_KEYS);
  let base: Partial<GPTConfig> = {};
  if (raw.preset !== undefined) {
    if (typeof raw.preset !== 'string' || !(raw.preset in PRESETS)) {
      throw new ConfigError('preset', `GPTConfig.preset must be one of ${Object.keys(PRESETS).map((p) => `'${p}'`).join(', ')}, got ${describeValue(raw.preset)}`);
    }
    base = PRESETS[raw.preset as PresetName];
  }
  const merged: Record<string, unknown> = { ...GPT_DEFAULTS, ...base };
  for (const [k, v] of Object.entries(raw)) if (k !== 'preset' && v !== undefined) merged[k] = v;

  for (const key of SIZE_KEYS) {
    const v = merged[key];
    if (v === undefined) throw new ConfigError(key, `GPTConfig.${key} is required (or pick a preset: ${Object.keys(PRESETS).join(', ')})`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new ConfigError(key, `GPTConfig.${key} must be a positive integer, got ${describeValue(v)}`);
    }
    if (v > 2 ** 24) throw new ConfigError(key, `GPTConfig.${key} = ${v} is beyond what this library supports (≤ 2^24)`);
  }
  const c = merged as unknown as GPTConfig;
  if (c.nEmbd % c.nHead !== 0) {
    throw new ConfigError('nHead', `GPTConfig.nEmbd (${c.nEmbd}) must be divisible by nHead (${c.nHead}); head size would be ${(c.nEmbd / c.nHead).toFixed(2)}`);
  }
  if (c.positional === 'sinusoidal' && c.nEmbd % 2 !== 0) {
    throw new ConfigError('nEmbd', `GPTConfig.nEmbd must be even for sinusoidal positions (sin/cos pairs), got ${c.nEmbd}`);
  }
  oneOf('activation', c.activation, ['gelu', 'relu']);
  oneOf('norm', c.norm, ['pre', 'post']);
  oneOf('positional', c.positional, ['learned', 'sinusoidal']);
  for (const key of ['bias', 'tieEmbeddings'] as const) {
    if (typeof c[key] !== 'boolean') throw new ConfigError(key, `GPTConfig.${key} must be a boolean, got ${describeValue(c[key])}`);
  }
  if (typeof c.dropout !== 'number' || !(c.dropout >= 0 && c.dropout < 1)) {
    throw new ConfigError('dropout', `GPTConfig.dropout must be a number in [0, 1), got ${describeValue(c.dropout)}`);
  }
  if (typeof c.layerNormEps !== 'number' || !(c.layerNormEps > 0 && c.layerNormEps < 1)) {
    throw new ConfigError('layerNormEps', `GPTConfig.layerNormEps must be a number in (0, 1), got ${describeValue(c.layerNormEps)}`);
  }
  return {
    vocabSize: c.vocabSize, blockSize: c.blockSize, nLayer: c.nLayer, nHead: c.nHead, nEmbd: c.nEmbd,
    activation: c.activation, norm: c.norm, positional: c.positional, bias: c.bias,
    tieEmbeddings: c.tieEmbeddings, dropout: c.dropout, layerNormEps: c.layerNormEps,
  };
}
