import { describe, expect, it } from 'vitest';
import { ConfigError, GPT, MemoryLimitError, PRESETS, estimateMemory, resolveConfig } from '../src/index.js';
import { initParameters, type InitScheme } from '../src/model/init.js';
import { paramLayout } from '../src/model/layout.js';
import { checkMemory } from '../src/model/memory.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('GPTConfig', () => {
  it('fills GPT-2 defaults and applies presets with overrides', () => {
    const c = resolveConfig({ preset: 'tiny', vocabSize: 65 });
    expect(c).toEqual({
      vocabSize: 65, blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128, activation: 'gelu', norm: 'pre',
      positional: 'learned', bias: true, tieEmbeddings: true, dropout: 0, layerNormEps: 1e-5,
    });
    expect(resolveConfig('gpt2').nLayer).toBe(12);
  });

  it('the gpt2 preset has GPT-2 small\'s 124,439,808 parameters', () => {
    expect(paramLayout(resolveConfig('gpt2')).total).toBe(124_439_808);
    // untied adds a second V×C matrix
    expect(paramLayout(resolveConfig({ preset: 'gpt2', tieEmbeddings: false })).total).toBe(124_439_808 + 50257 * 768);
  });

  it('names the key of every bad option', () => {
    expect(configError(() => resolveConfig({ preset: 'tiny', nHeads: 4 } as never)).key).toBe('nHeads');
    expect(configError(() => resolveConfig({ preset: 'tiny', nHead: 3 })).message).toMatch(/nEmbd \(128\) must be divisible by nHead \(3\)/);
    expect(configError(() => resolveConfig({ preset: 'tiny', nLayer: 0 })).key).toBe('nLayer');
    expect(configError(() => resolveConfig({ preset: 'tiny', nEmbd: 12.5 })).key).toBe('nEmbd');
    expect(configError(() => resolveConfig({ preset: 'tiny', blockSize: -1 })).key).toBe('blockSize');
    expect(configError(() => resolveConfig({ vocabSize: 10, blockSize: 8, nLayer: 1, nHead: 1 })).key).toBe('nEmbd');
    expect(configError(() => resolveConfig({ preset: 'tiny', activation: 'swish' as never })).key).toBe('activation');
    expect(configError(() => resolveConfig({ preset: 'tiny', norm: 'rms' as never })).key).toBe('norm');
    expect(configError(() => resolveConfig({ preset: 'tiny', dropout: 1 })).key).toBe('dropout');
    expect(configError(() => resolveConfig({ preset: 'tiny', bias: 1 as never })).key).toBe('bias');
    expect(configError(() => resolveConfig({ preset: 'huge' as never })).key).toBe('preset');
    expect(configError(() => resolveConfig({ preset: 'tiny', nEmbd: 135, nHead: 5, positional: 'sinusoidal' })).key).toBe('nEmbd');
  });

  it('every preset resolves', () => {
    for (const name of Object.keys(PRESETS)) expect(() => resolveConfig(name as keyof typeof PRESETS)).not.toThrow();
  });
});

describe('memory estimate', () => {
  it('adds parameters, gradients, two moments and activations', () => {
    const c = resolveConfig('tiny');
    const e = estimateMemory(c, 16, 128);
    const n = paramLayout(c).total;
    expect(e.parameters).toBe(4 * n);
    expect(e.gradients).toBe(4 * n);
    expect(e.optimizer).toBe(8 * n);
    expect(e.total).toBe(e.parameters + e.gradients + e.optimizer + e.activations + e.reserve);
    expect(estimateMemory(c, 16, 128, false).gradients).toBe(0);
  });

  it('refuses GPT-2 training at B=8, T=1024 before allocating, saying what to shrink', () => {
    expect(() => checkMemory(resolveConfig('gpt2'), 8, 1024, true)).toThrow(MemoryLimitError);
    expect(() => checkMemory(resolveConfig('gpt2'), 8, 1024, true)).toThrow(/activations .*B=8, T=1024.*lower batchSize/);
    expect(() => checkMemory(resolveConfig('gpt2'), 1, 1024, true)).not.toThrow();
  });

  it('GPT.create fails fast for a model whose weights exceed 4 GiB', async () => {
    await expect(GPT.create({ vocabSize: 50257, blockSize: 64, nLayer: 96, nHead: 16, nEmbd: 2048 })).rejects.toThrow(MemoryLimitError);
    await expect(GPT.create({ vocabSize: 50257, blockSize: 64, nLayer: 96, nHead: 16, nEmbd: 2048 })).rejects.toThrow(/single wasm32 allocation/);
  });

  it('GPT.create refuses parameters that fit in 4 GiB but not in one wasm32 allocation (2 GiB), before allocating', async () => {
    // 872 floats per layer: 3.3 GB of parameters passed the 4 GiB total but failed inside the allocator.
    const tall = { vocabSize: 2, blockSize: 1, nLayer: 1_000_000, nHead: 1, nEmbd: 8 };
    await expect(GPT.create(tall, { threads: 1 })).rejects.toThrow(/one buffer of 3\.25 GiB, above the 2\.00 GiB a single wasm32 allocation/);
    expect(checkMemory(resolveConfig({ ...tall, nLayer: 500_000 }), 1, 1, false).largestBuffer).toBe(500_000 * 872 * 4 + 40 * 4);
  });
});

describe('init schemes', () => {
  const dims = resolveConfig({ vocabSize: 97, blockSize: 16, nLayer: 3, nHead: 4, nEmbd: 64, tieEmbeddings: false });
  const layout = paramLayout(dims);
  const init = (scheme: InitScheme, seed = 7) => {
    const p = new Float32Array(layout.total);
    initParameters(p, dims, layout, scheme, seed);
    return p;
  };
  const slice = (p: Float32Array, name: string) => {
    const t = layout.tensors.get(name)!;
    return p.subarray(t.offset, t.offset + t.size);
  };
  const std = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
  const maxAbs = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

  it('gpt2: N(0, 0.02), residual projections / sqrt(2L), zero biases, LayerNorm 1 and 0', () => {
    const p = init('gpt2');
    expect(std(slice(p, 'qkvw'))).toBeCloseTo(0.02, 3);
    expect(std(slice(p, 'fcprojw'))).toBeCloseTo(0.02 / Math.sqrt(6), 3);
    expect(std(slice(p, 'wte'))).toBeCloseTo(0.02, 3);
    expect(maxAbs(slice(p, 'fcb'))).toBe(0);
    expect([...slice(p, 'ln1w')].every((v) => v === 1)).toBe(true);
    expect([...slice(p, 'lnfb')].every((v) => v === 0)).toBe(true);
  });

  it('xavier and kaiming follow fan_in / fan_out of (OC, C) weights', () => {
    const C = 64;
    const xu = slice(init('xavier-uniform'), 'fcw'); // (4C, C)
    const bound = Math.sqrt(6 / (C + 4 * C));
    expect(maxAbs(xu)).toBeLessThanOrEqual(bound);
    expect(maxAbs(xu)).toBeGreaterThan(0.98 * bound);
    expect(std(xu)).toBeCloseTo(bound / Math.sqrt(3), 3);
    expect(std(slice(init('xavier-normal'), 'fcw'))).toBeCloseTo(Math.sqrt(2 / (5 * C)), 3);
    const kn = slice(init('kaiming-normal'), 'fcprojw'); // (C, 4C): fan_in 4C
    expect(std(kn)).toBeCloseTo(Math.sqrt(2 / (4 * C)), 2);
    const ku = slice(init('kaiming-uniform'), 'qkvw');
    expect(maxAbs(ku)).toBeLessThanOrEqual(Math.sqrt(6 / C));
    expect(std(ku)).toBeCloseTo(Math.sqrt(2 / C), 2);
    expect(std(slice(init('kaiming-normal'), 'wte'))).toBeCloseTo(0.02, 3); // embeddings keep GPT-2's rule
  });

  it('is seeded: same seed, same bits; another seed, other values', () => {
    expect(init('gpt2', 1)).toEqual(init('gpt2', 1));
    expect(slice(init('gpt2', 1), 'qkvw')[0]).not.toBe(slice(init('gpt2', 2), 'qkvw')[0]);
  });

  it('rejects an unknown scheme by name', async () => {
    await expect(GPT.create('tiny', { init: 'he' as never, backend: 'js' })).rejects.toThrow(/init must be one of/);
  });
});
