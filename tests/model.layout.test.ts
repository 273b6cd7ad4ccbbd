import { describe, expect, it } from 'vitest';
import { activationFloatsPerLayer, activationLayout, type ModelDims } from '../src/model/layout.js';

const dims = (over: Partial<ModelDims>): ModelDims => ({
  vocabSize: 50, blockSize: 16, nLayer: 3, nHead: 4, nEmbd: 32, activation: 'gelu', norm: 'pre',
  positional: 'learned', bias: true, tieEmbeddings: true, dropout: 0, layerNormEps: 1e-5, ...over,
});

describe('activation layout', () => {
  it.each([
    [{}, 2, 16], [{ nLayer: 1, nHead: 1, nEmbd: 8 }, 1, 1], [{ nLayer: 12, nHead: 12, nEmbd: 768 }, 8, 64],
  ] as const)('per-layer floats are B·T·(18·C + 4 + NH), the README formula (%o, B=%i, T=%i)', (over, B, T) => {
    const d = dims(over);
    expect(activationFloatsPerLayer(d, B, T)).toBe(B * T * (18 * d.nEmbd + 4 + d.nHead));
  });

  it('stacked windows tile their tensor: L slices of layerStride floats', () => {
    const d = dims({});
    for (const [name, t] of activationLayout(d, 2, 16).tensors) {
      if (t.layerStride > 0) expect(t.layerStride * d.nLayer, name).toBe(t.size);
    }
  });
});
