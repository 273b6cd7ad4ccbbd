// Exports a wasm-gpt GPT-2 (pre-norm, GELU, learned positions, biases, tied embeddings) as an ONNX decoder with
// past key/values, the interface transformers.js and Optimum give GPT-2:
//   inputs   input_ids int64 [batch, seq], past_key_values.{l}.key / .value float [batch, heads, past, headSize]
//   outputs  logits [batch, seq, vocab] (or [batch, 1, vocab] with `lastLogitsOnly`), present.{l}.key / .value
// The first call passes past tensors of length 0 (the prefill); the causal mask is built in the graph from the
// past length, so the same graph serves prefill and one-token steps. Weights are wasm-gpt's flat parameter
// array (src/model/layout.ts): linear weights are (out, in) there and are stored transposed, (in, out), as
// MatMul's right operand; the LM head is a Gemm with transB over the token embedding itself (tied, one copy).
// With `int8`, every weight product (the four per layer and the LM head) is what onnxruntime's quantize_dynamic
// makes of a MatMul: symmetric per-tensor int8 weights, activations quantized per call by DynamicQuantizeLinear,
// MatMulInteger, and the two scales applied after (onnxruntime fuses this into DynamicQuantizeMatMul); the LM
// head then gets its own int8 (C, V) copy of wte, the embedding lookup stays float32.
import { paramLayout } from '../../dist/model/layout.js';
import { ElemType, GraphBuilder, float } from './onnx.mjs';

const GELU_TANH_SCALE = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;
/** Added to the scores of future positions: exp underflows to exactly 0, as if they were skipped. */
const MASKED = -1e9;

const GPT2_SHAPE = { activation: 'gelu', norm: 'pre', positional: 'learned', bias: true, tieEmbeddings: true };

/** (rows, cols) row-major → (cols, rows). */
function transpose(src, rows, cols) {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c];
  return out;
}

/** Symmetric per-tensor int8 of `w` (quantize_dynamic's default for weights): values and scale. */
function int8PerTensor(w) {
  let amax = 0;
  for (const v of w) amax = Math.max(amax, Math.abs(v));
  const scale = amax / 127 || 1;
  return { q: Int8Array.from(w, (v) => Math.max(-127, Math.min(127, Math.round(v / scale)))), scale };
}

/**
 * @param {object} dims wasm-gpt model dimensions (a GPT's `config`)
 * @param {Float32Array} params the flat parameters (`gpt.getParameters()`)
 * @param {{ lastLogitsOnly?: boolean, int8?: boolean }} options logits of the last position only (what generation
 *   needs: a 128-token prefill then skips 127 rows of the vocabulary product, as wasm-gpt's InferenceSession
 *   does); int8 weight products (see above)
 * @returns {Uint8Array} the ModelProto
 */
export function exportGpt2Onnx(dims, params, { lastLogitsOnly = false, int8 = false } = {}) {
  for (const [key, want] of Object.entries(GPT2_SHAPE)) {
    if (dims[key] !== want) throw new Error(`exportGpt2Onnx: only GPT-2-shaped models export; ${key} is ${dims[key]}, expected ${want}`);
  }
  const layout = paramLayout(dims);
  if (params.length !== layout.total) throw new Error(`exportGpt2Onnx: ${params.length} parameters, the layout has ${layout.total}`);
  const { vocabSize: V, blockSize, nLayer: L, nHead: NH, nEmbd: C, layerNormEps } = dims;
  const hs = C / NH;
  const tensor = (name) => {
    const t = layout.tensors.get(name);
    return params.subarray(t.offset, t.offset + t.size);
  };
  const layer = (name, l) => {
    const t = layout.tensors.get(name);
    return params.subarray(t.offset + l * t.layerStride, t.offset + (l + 1) * t.layerStride);
  };

  const g = new GraphBuilder('gpt2');
  const ids = g.input('input_ids', ElemType.INT64, ['batch', 'seq']);
  const pastNames = Array.from({ length: L }, (_, l) => ['key', 'value'].map((kv) => `past_key_values.${l}.${kv}`));
  for (const pair of pastNames) for (const name of pair) g.input(name, ElemType.FLOAT, ['batch', NH, 'past', hs]);

  const wte = g.initializer('wte', [V, C], tensor('wte'));
  const wpe = g.initializer('wpe', [blockSize, C], tensor('wpe'));
  const [zero, one, two] = [g.int64(0), g.int64(1), g.int64(2)];

  // Positions past .. past+seq-1, and the causal mask over (query, key) = (seq, past+seq).
  const seqLen = g.op('Gather', [g.op('Shape', [ids]), one], { axis: 0 });
  const pastLen = g.op('Gather', [g.op('Shape', [pastNames[0][0]]), two], { axis: 0 });
  const totalLen = g.op('Add', [pastLen, seqLen]);
  const positions = g.op('Range', [pastLen, totalLen, one]);
  const keyPositions = g.op('Range', [zero, totalLen, one]);
  const future = g.op('Greater', [g.op('Unsqueeze', [keyPositions, g.int64([0])]), g.op('Unsqueeze', [positions, g.int64([1])])]);
  const maskBias = g.op('Where', [future, g.f32(MASKED), g.f32(0)]);

  let x = g.op('Add', [g.op('Gather', [wte, ids], { axis: 0 }), g.op('Gather', [wpe, positions], { axis: 0 })]);

  const layerNorm = (input, w, b) => g.op('LayerNormalization', [input, w, b], { axis: -1, epsilon: float(layerNormEps) });
  const int8Zero = int8 ? g.initializer('int8.zero', [], Int8Array.of(0)) : undefined;
  /** input · w with w (in, out) float32 given, as MatMul or (int8) as quantize_dynamic's MatMulInteger chain. */
  const product = (input, name, w, dims2) => {
    if (!int8) return g.op('MatMul', [input, g.initializer(name, dims2, w)]);
    const { q, scale } = int8PerTensor(w);
    const [xq, xScale, xZero] = g.op('DynamicQuantizeLinear', [input], {}, 3);
    const integer = g.op('MatMulInteger', [xq, g.initializer(name, dims2, q), xZero, int8Zero]);
    return g.op('Mul', [g.op('Cast', [integer], { to: ElemType.FLOAT }), g.op('Mul', [xScale, g.f32(scale)])]);
  };
  const linear = (input, name, l, rows, cols) => {
    const b = g.initializer(`${name}.${l}.bias`, [rows], layer(`${name}b`, l));
    return g.op('Add', [product(input, `${name}.${l}`, transpose(layer(`${name}w`, l), rows, cols), [cols, rows]), b]);
  };
  const splitHeads = (t) => g.op('Transpose', [g.op('Reshape', [t, g.int64([0, 0, NH, hs])])], { perm: [0, 2, 1, 3] });
  // GPT-2's gelu_new written the way PyTorch exports it, so onnxruntime's GELU fusion can recognise it.
  const gelu = (t) => {
    const cubic = g.op('Mul', [g.op('Pow', [t, g.f32(3)]), g.f32(GELU_CUBIC)]);
    const tanh = g.op('Tanh', [g.op('Mul', [g.op('Add', [t, cubic]), g.f32(GELU_TANH_SCALE)])]);
    return g.op('Mul', [g.op('Mul', [t, g.f32(0.5)]), g.op('Add', [tanh, g.f32(1)])]);
  };
  const scale = g.f32(1 / Math.sqrt(hs));
  const split3 = g.int64([C, C, C]);
  const mergedShape = g.int64([0, 0, C]);

  for (let l = 0; l < L; l++) {
    const ln1 = layerNorm(x, g.initializer(`ln1.${l}.weight`, [C], layer('ln1w', l)), g.initializer(`ln1.${l}.bias`, [C], layer('ln1b', l)));
    const [q, k, v] = g.op('Split', [linear(ln1, 'qkv', l, 3 * C, C), split3], { axis: 2 }, 3).map(splitHeads);
    const keys = g.op('Concat', [pastNames[l][0], k], { axis: 2 }, [`present.${l}.key`]);
    const values = g.op('Concat', [pastNames[l][1], v], { axis: 2 }, [`present.${l}.value`]);
    const scores = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [keys], { perm: [0, 1, 3, 2] })]), scale]);
    const probs = g.op('Softmax', [g.op('Add', [scores, maskBias])], { axis: -1 });
    const heads = g.op('Transpose', [g.op('MatMul', [probs, values])], { perm: [0, 2, 1, 3] });
    x = g.op('Add', [x, linear(g.op('Reshape', [heads, mergedShape]), 'attproj', l, C, C)]);
    const ln2 = layerNorm(x, g.initializer(`ln2.${l}.weight`, [C], layer('ln2w', l)), g.initializer(`ln2.${l}.bias`, [C], layer('ln2b', l)));
    x = g.op('Add', [x, linear(gelu(linear(ln2, 'fc', l, 4 * C, C)), 'fcproj', l, C, 4 * C)]);
  }

  let final = layerNorm(x, g.initializer('lnf.weight', [C], tensor('lnfw')), g.initializer('lnf.bias', [C], tensor('lnfb')));
  if (lastLogitsOnly) final = g.op('Slice', [final, g.int64([-1]), g.int64([Number.MAX_SAFE_INTEGER]), g.int64([1])]);
  // Gemm wants 2-D operands: flatten (batch, rows) and restore them after the product.
  const rows = g.op('Reshape', [final, g.int64([-1, C])]);
  const flatLogits = int8 ? product(rows, 'lm_head.int8', transpose(tensor('wte'), V, C), [C, V]) : g.op('Gemm', [rows, wte], { transB: 1 });
  const outShape = g.op('Concat', [g.op('Slice', [g.op('Shape', [final]), g.int64([0]), g.int64([2])]), g.int64([V])], { axis: 0 });
  g.op('Reshape', [flatLogits, outShape], {}, ['logits']);

  g.output('logits', ElemType.FLOAT, ['batch', lastLogitsOnly ? 1 : 'seq', V]);
  for (let l = 0; l < L; l++) {
    for (const kv of ['key', 'value']) g.output(`present.${l}.${kv}`, ElemType.FLOAT, ['batch', NH, 'total', hs]);
  }
  return g.toModel();
}

/** GPT-2-shaped dimensions for `exportGpt2Onnx` (and `GPT.create`), with the GPT-2 defaults of the rest. */
export function gpt2Dims({ vocabSize, blockSize, nLayer, nHead, nEmbd }) {
  return { vocabSize, blockSize, nLayer, nHead, nEmbd, ...GPT2_SHAPE, dropout: 0, layerNormEps: 1e-5 };
}

/**
 * Random parameters from a fixed seed, the same in every process: N(0, 0.5/√C) linear weights and biases
 * (GPT-2's 0.02 at C = 768; at small C the blocks still outweigh the embedding, else a tied model only
 * repeats its last token), N(0, 0.1) token embeddings (logits spread by ~3, so greedy choices are far from
 * ties that float rounding could break differently in two engines), N(0, 0.01) positions, and LayerNorm
 * affines 1 ± 0.1, ± 0.05 so every parameter shows in the output.
 */
export function seededGpt2Params(dims, seed) {
  const layout = paramLayout(dims);
  const p = new Float32Array(layout.total);
  let state = seed >>> 0;
  // mulberry32, and Box–Muller pairs from it
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (out, std) => {
    for (let i = 0; i < out.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - uniform())) * std;
      const a = 2 * Math.PI * uniform();
      out[i] = r * Math.cos(a);
      if (i + 1 < out.length) out[i + 1] = r * Math.sin(a);
    }
  };
  for (const t of layout.tensors.values()) {
    const view = p.subarray(t.offset, t.offset + t.size);
    if (t.name === 'wte') normal(view, 0.1);
    else if (t.name === 'wpe') normal(view, 0.01);
    else if (/^ln.*w$/.test(t.name)) {
      normal(view, 0.1);
      for (let i = 0; i < view.length; i++) view[i] += 1;
    } else if (/^ln.*b$/.test(t.name)) normal(view, 0.05);
    else normal(view, 0.5 / Math.sqrt(dims.nEmbd)); // linear weights and biases
  }
  return p;
}
