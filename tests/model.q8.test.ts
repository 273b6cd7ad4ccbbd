/**
 * `gpt.quantize('q8')`: the quantized model's layout and memory, its logits against the float32 model it came
 * from and against the dequantized float32 model, thread-count independence, the Sampler on it, and refusals.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, FormatError, GPT, InferenceSession, QuantizedGPT, Sampler, ShapeError, Trainer, initWasm, readSafetensors } from '../src/index.js';
import { loadCheckpoint, saveCheckpoint } from '../src/checkpoint/node.js';
import { paramLayout, q8Layout } from '../src/model/layout.js';
import { resolveConfig } from '../src/model/config.js';
import { bitsEqual } from './helpers/tolerance.js';

const SMALL = { vocabSize: 101, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 64 };
const VARIANTS = [
  ['GPT-2: pre-norm, GELU, learned positions, tied', {}],
  ['post-norm, ReLU, sinusoidal, untied, no bias', { norm: 'post', activation: 'relu', positional: 'sinusoidal', tieEmbeddings: false, bias: false }],
] as const;
const PROMPT = [5, 99, 3, 42, 17, 8, 0, 64];

/** Logits after the prompt, then after each of `steps` greedy tokens, from a KV-cache session. */
function decodeLogits(model: ConstructorParameters<typeof InferenceSession>[0], steps: number): Float32Array[] {
  const s = new InferenceSession(model);
  const out = [s.prefill(PROMPT).slice()];
  for (let i = 0; i < steps; i++) {
    const last = out[out.length - 1];
    out.push(s.forward([last.indexOf(Math.max(...last))]).slice());
  }
  s.free();
  return out;
}

function maxAbs(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('QuantizedGPT (q8)', () => {
  it('holds GPT-2 small, medium and large in ≤ 0.3× their float32 bytes', () => {
    for (const preset of ['gpt2', 'gpt2-medium', 'gpt2-large'] as const) {
      const c = resolveConfig(preset);
      const ratio = q8Layout(c).total / paramLayout(c).total;
      expect(ratio, preset).toBeGreaterThan(0.28);
      expect(ratio, preset).toBeLessThan(0.3);
    }
  });

  it.each(VARIANTS)('%s: logits follow the float32 model within the weights\' error, exactly the dequantized model\'s closely', async (_, variant) => {
    for (const backend of ['wasm', 'js'] as const) {
      const gpt = await GPT.create({ ...SMALL, ...variant }, { backend, seed: 3, threads: 1 });
      const q = gpt.quantize('q8');
      expect(q.dtype).toBe('q8');
      expect(q.parameterCount).toBe(gpt.parameterCount);
      const deq = await GPT.fromParameters({ ...SMALL, ...variant }, q.dequantize(), { backend, threads: 1 });
      const [f, qq, d] = [decodeLogits(gpt, 4), decodeLogits(q, 4), decodeLogits(deq, 4)];
      for (let i = 0; i < f.length; i++) {
        const scale = Math.max(...f[i].map(Math.abs));
        // int8 weights move logits by ~1% of their range here; the int16 inputs by far less.
        expect(maxAbs(qq[i], f[i]) / scale, `${backend} step ${i} vs float32`).toBeLessThan(0.05);
        expect(maxAbs(qq[i], d[i]) / scale, `${backend} step ${i} vs dequantized`).toBeLessThan(2e-4);
        expect(maxAbs(qq[i], f[i]), `${backend} step ${i}: quantization does change the logits`).toBeGreaterThan(0);
      }
      for (const m of [gpt, q, deq]) m.dispose();
    }
  });

  it('gives the same logits bit for bit on 1 and 2 threads, and greedy text through the Sampler', async () => {
    const cores = [await initWasm({ artifact: 'simd' }), await initWasm({ artifact: 'threads-simd', threads: 2 })];
    const big = { vocabSize: 2051, blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 256 }; // 2t: products large enough to split
    const runs = [];
    for (const core of cores) {
      const gpt = await GPT.create(big, { core, seed: 5 });
      const q = gpt.quantize();
      gpt.dispose();
      runs.push({ logits: decodeLogits(q, 3), text: (await new Sampler(q).generate({ prompt: PROMPT, maxNewTokens: 6, temperature: 0 })).sequences[0].tokens });
      q.dispose();
    }
    runs[0].logits.forEach((l, i) => expect(bitsEqual(l, runs[1].logits[i]), `step ${i}`).toBe(true));
    expect(runs[0].text).toEqual(runs[1].text);
    expect(runs[0].text).toHaveLength(6);
    await Promise.all(cores.map((c) => c.terminate()));
  });

  it('refuses training, odd widths and other dtypes with typed errors', async () => {
    const gpt = await GPT.create(SMALL, { backend: 'js' });
    const q = gpt.quantize();
    expect(() => new Trainer(q as unknown as GPT, { batchSize: 1 })).toThrow(ConfigError);
    expect(() => new Trainer(q as unknown as GPT, { batchSize: 1 })).toThrow(/inference-only/);
    expect(() => gpt.quantize('q4' as 'q8')).toThrow(ConfigError);
    const odd = await GPT.create({ ...SMALL, nEmbd: 48, nHead: 2 }, { backend: 'js' });
    expect(() => odd.quantize()).toThrow(ShapeError);
    expect(() => odd.quantize()).toThrow(/nEmbd 48/);
    q.dispose();
    expect(() => q.dequantize()).toThrow(/disposed/);
    expect(q).toBeInstanceOf(QuantizedGPT);
    gpt.dispose();
    odd.dispose();
  });

  it('saves and loads q8 checkpoints bit for bit, and quantizes float32 checkpoints while loading', async () => {
    for (const variant of [{}, { tieEmbeddings: false, bias: false, positional: 'sinusoidal' as const }]) {
      const gpt = await GPT.create({ ...SMALL, ...variant }, { backend: 'wasm', threads: 1, seed: 9 });
      const q = gpt.quantize();
      const files = q.toCheckpoint();
      const config = JSON.parse(new TextDecoder().decode(files.get('config.json')));
      expect(config.quantization).toMatchObject({ quant_method: 'wasm-gpt-q8', bits: 8, block_size: 32 });
      const st = readSafetensors(files.get('model.safetensors')!, 'model.safetensors');
      expect(st.tensors.get('transformer.h.1.mlp.c_fc.weight')).toMatchObject({ dtype: 'I8', shape: [256, 64] });
      expect(st.tensors.get('transformer.h.1.mlp.c_fc.weight_scale')).toMatchObject({ dtype: 'F32', shape: [256, 2] });
      // 0.28 for the matrices; this small model's float32 positions, norms and biases bring it to ~0.31.
      expect(files.get('model.safetensors')!.length / (gpt.parameterCount * 4)).toBeLessThan(0.33);
      const params = q.kernels.read(q.params as never);
      const back = await QuantizedGPT.fromCheckpoint(files, { backend: 'wasm', threads: 1 });
      expect(bitsEqual(back.kernels.read(back.params as never), params), 'q8 file round trip').toBe(true);
      const atLoad = await QuantizedGPT.fromCheckpoint(gpt.toCheckpoint(), { backend: 'js' });
      expect(bitsEqual(atLoad.kernels.read(atLoad.params as never) as Float32Array, params), 'quantized while loading = quantize()').toBe(true);
      await expect(GPT.fromCheckpoint(files)).rejects.toThrow(FormatError);
      await expect(GPT.fromCheckpoint(files)).rejects.toThrow(/q8 checkpoint.*QuantizedGPT/);
      for (const m of [gpt, q, back, atLoad]) m.dispose();
    }
  });

  it('goes through a checkpoint directory in Node (saveCheckpoint, loadCheckpoint with dtype q8)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgpt-q8-'));
    try {
      const gpt = await GPT.create(SMALL, { backend: 'wasm', threads: 1, seed: 4 });
      await saveCheckpoint(join(dir, 'f32'), gpt);
      const q = gpt.quantize();
      await saveCheckpoint(join(dir, 'q8'), q);
      const fromQ8 = (await loadCheckpoint(join(dir, 'q8'), { dtype: 'q8', threads: 1 })).model;
      const fromF32 = (await loadCheckpoint(join(dir, 'f32'), { dtype: 'q8', threads: 1 })).model;
      const want = q.kernels.read(q.params as never);
      expect(bitsEqual(fromQ8.kernels.read(fromQ8.params as never), want)).toBe(true);
      expect(bitsEqual(fromF32.kernels.read(fromF32.params as never), want)).toBe(true);
      const pretrained = (await QuantizedGPT.fromPretrained(join(dir, 'f32'), { threads: 1 })).model;
      expect(bitsEqual(pretrained.kernels.read(pretrained.params as never), want), 'fromPretrained').toBe(true);
      pretrained.dispose();
      await expect(loadCheckpoint(join(dir, 'q8'))).rejects.toThrow(/dtype: 'q8'/);
      await expect(loadCheckpoint(join(dir, 'q8'), { dtype: 'q4' as 'q8' })).rejects.toThrow(ConfigError);
      for (const m of [gpt, q, fromQ8, fromF32]) m.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
