/**
 * Property tests (fast-check, seeded) of the q8 inputs: the `quantization` entry of config.json, the bytes of a
 * q8 model.safetensors, and the `dtype` option. Every bad input is a typed error that names what is wrong; an
 * input that loads gives the model it describes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError, GPT, QuantizedGPT } from '../src/index.js';
import { GPT as GPTClass } from '../src/model/gpt.js';
import { bitsEqual } from './helpers/tolerance.js';

const SMALL = { vocabSize: 37, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 32 };
const SEED = 20261205;

async function q8Files(): Promise<{ files: Map<string, Uint8Array>; params: Float32Array }> {
  const gpt = await GPT.create(SMALL, { backend: 'js', seed: 2 });
  const q = gpt.quantize();
  const out = { files: q.toCheckpoint(), params: q.kernels.read(q.params as never) as Float32Array };
  gpt.dispose();
  q.dispose();
  return out;
}

describe('q8 inputs (property)', () => {
  it('a quantization entry with any other value is a FormatError naming the key', async () => {
    const { files } = await q8Files();
    const config = JSON.parse(new TextDecoder().decode(files.get('config.json')));
    const keys = Object.keys(config.quantization);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), fc.jsonValue(), async (key, value) => {
        fc.pre(JSON.stringify(value) !== JSON.stringify(config.quantization[key]));
        const bad = new Map(files);
        bad.delete('checksums.json');
        bad.set('config.json', new TextEncoder().encode(JSON.stringify({ ...config, quantization: { ...config.quantization, [key]: value } })));
        const err = await QuantizedGPT.fromCheckpoint(bad, { backend: 'js' }).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(FormatError);
        expect((err as FormatError).key).toBe(`quantization.${key}`);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('a corrupted q8 model.safetensors loads the same model or is a FormatError naming the file', async () => {
    const { files, params } = await q8Files();
    const model = files.get('model.safetensors')!;
    const headerEnd = 8 + Number(new DataView(model.buffer, model.byteOffset).getBigUint64(0, true));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: headerEnd + 64 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const bytes = model.slice();
        bytes[at] ^= xor;
        const bad = new Map(files);
        bad.delete('checksums.json'); // past the checksum, to the parser and the q8 checks
        bad.set('model.safetensors', bytes);
        try {
          const q = await QuantizedGPT.fromCheckpoint(bad, { backend: 'js' });
          // Accepted: the flip was harmless (header whitespace) or changed a value, never the layout.
          expect(q.kernels.read(q.params as never).length).toBe(params.length);
          if (at < headerEnd) expect(bitsEqual(q.kernels.read(q.params as never) as Float32Array, params)).toBe(true);
          q.dispose();
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
          expect((e as FormatError).message).toMatch(/model\.safetensors|config\.json/);
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
    // A q8 file is never taken for float32 weights.
    await expect(GPTClass.fromCheckpoint(files)).rejects.toThrow(FormatError);
  });

  it('dtype: anything but f32 or q8 is a ConfigError naming dtype', async () => {
    const { loadCheckpoint } = await import('../src/checkpoint/node.js');
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (dtype) => {
        fc.pre(dtype !== undefined && dtype !== 'f32' && dtype !== 'q8');
        const err = await loadCheckpoint('/nonexistent', { dtype } as never).then(() => undefined, (e: unknown) => e);
        expect((err as { key?: string }).key).toBe('dtype');
      }),
      { seed: SEED, numRuns: 80 },
    );
  });
});
