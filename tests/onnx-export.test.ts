/**
 * The benchmark's ONNX exporter (bench/onnx/): a tiny GPT exported from wasm-gpt's parameters and run in
 * onnxruntime-web (one thread, Node) computes what wasm-gpt computes, so the peers benchmark compares the same
 * model in both engines.
 *
 * Tolerance: |Δ| ≤ 1e-4 + 1e-4·|logit|. Both engines compute the same float32 function in different orders
 * (onnxruntime fuses GELU and LayerNorm its own way; wasm-gpt's tanh is a polynomial within 2e-7), which
 * moves logits by ≤ 8e-7 here (1e-5 at GPT-2 124M in the peers bench), while a wrong transpose, position, mask,
 * epsilon or missing bias moves them by > 1e-2 (a mask of 0 fails by 9000× the tolerance, epsilon 1e-3 by 670×).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { GPT, InferenceSession, Sampler, initWasm, type WasmCore } from '../src/index.js';
// @ts-expect-error: plain JavaScript modules of the benchmarks, without type declarations
import { exportGpt2Onnx, gpt2Dims, seededGpt2Params } from '../bench/onnx/gpt2.mjs';
// @ts-expect-error: as above
import { ProtoMessage } from '../bench/onnx/proto.mjs';
import { expectClose } from './helpers/close.js';

const TOL = { abs: 1e-4, rel: 1e-4 };
const dims = gpt2Dims({ vocabSize: 61, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 32 });
const HEAD = dims.nEmbd / dims.nHead;
const PROMPT = [5, 17, 3, 60, 0, 42, 42, 9];
const NEW_TOKENS = 12;

ort.env.wasm.numThreads = 1;
let core: WasmCore;
let gpt: GPT;
let params: Float32Array;

beforeAll(async () => {
  core = await initWasm({ threads: 1 });
  gpt = await GPT.create(dims, { core });
  params = seededGpt2Params(dims, 11);
  gpt.setParameters(params);
});
afterAll(async () => {
  gpt?.dispose();
  await core?.terminate();
});

async function session(options: { lastLogitsOnly?: boolean } = {}) {
  return ort.InferenceSession.create(exportGpt2Onnx(dims, params, options), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}

function feeds(tokens: number[], past?: Record<string, ort.Tensor>) {
  const f: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [1, tokens.length]) };
  for (let l = 0; l < dims.nLayer; l++) {
    for (const kv of ['key', 'value']) {
      f[`past_key_values.${l}.${kv}`] = past?.[`present.${l}.${kv}`] ?? new ort.Tensor('float32', new Float32Array(0), [1, dims.nHead, 0, HEAD]);
    }
  }
  return f;
}

const argmax = (a: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
};

describe('ONNX export of a wasm-gpt GPT-2 (bench/onnx)', () => {
  it('writes protobuf varints as the wire format defines them, negative int64 in ten bytes', () => {
    expect([...new ProtoMessage().int(1, 150).encode()]).toEqual([0x08, 0x96, 0x01]);
    expect([...new ProtoMessage().int(2, -1).encode()]).toEqual([0x10, ...Array(9).fill(0xff), 0x01]);
    expect([...new ProtoMessage().string(2, 'hé').encode()]).toEqual([0x12, 3, 0x68, 0xc3, 0xa9]);
    const inner = new ProtoMessage().int(1, 1);
    expect([...new ProtoMessage().message(3, inner).float(4, 1).encode()]).toEqual([0x1a, 2, 0x08, 0x01, 0x25, 0, 0, 0x80, 0x3f]);
  });

  it('gives the logits of every position that wasm-gpt forward gives', async () => {
    const s = await session();
    const out = await s.run(feeds(PROMPT));
    expect(out.logits.dims).toEqual([1, PROMPT.length, dims.vocabSize]);
    expect(out['present.1.value'].dims).toEqual([1, dims.nHead, PROMPT.length, HEAD]);
    expectClose(out.logits.data as Float32Array, gpt.forward(PROMPT, 1, PROMPT.length), TOL, 'onnx vs wasm-gpt logits');
    await s.release();
  });

  it('decodes greedily with its KV cache to the tokens and logits of the Sampler and InferenceSession', async () => {
    const s = await session({ lastLogitsOnly: true });
    const inference = new InferenceSession(gpt, { maxLength: PROMPT.length + NEW_TOKENS });
    let out = await s.run(feeds(PROMPT));
    let want = inference.prefill(PROMPT);
    const tokens: number[] = [];
    for (let step = 0; step < NEW_TOKENS; step++) {
      expect(out.logits.dims).toEqual([1, 1, dims.vocabSize]);
      expectClose(out.logits.data as Float32Array, want, TOL, `step ${step} logits`);
      const token = argmax(out.logits.data as Float32Array);
      tokens.push(token);
      if (step + 1 < NEW_TOKENS) {
        out = await s.run(feeds([token], out));
        want = inference.forward([token]);
      }
    }
    inference.free();
    await s.release();
    const sampler = new Sampler(gpt);
    const { sequences } = await sampler.generate({ prompt: PROMPT, maxNewTokens: NEW_TOKENS, temperature: 0, endTokens: [] });
    sampler.dispose();
    expect(sequences[0].tokens).toEqual(tokens);
    expect(new Set(tokens).size).toBeGreaterThan(1); // a decode stuck on one token would prove little
  });

  it('refuses models that are not GPT-2-shaped, naming the option', () => {
    expect(() => exportGpt2Onnx({ ...dims, activation: 'relu' }, params)).toThrow(/activation is relu, expected gelu/);
    expect(() => exportGpt2Onnx(dims, params.subarray(1))).toThrow(/parameters/);
  });
});
