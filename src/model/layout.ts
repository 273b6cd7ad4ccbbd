/**
 * Where every parameter and activation lives: one flat buffer each for parameters, gradients and the two
 * AdamW moments (identical layouts), and one for activations, with named windows into them (llm.c's
 * `ParameterTensors` / `ActivationTensors`). Layers are stacked on a leading L axis. Linear weights are
 * (out, in), as llm.c and PyTorch's nn.Linear store them; Hugging Face GPT-2's Conv1D layout is the
 * transpose, converted in one place when checkpoints are read or written.
 */
import { q8Floats } from '../kernels/q8-layout.js';

/** The architecture knobs the engine needs (the full user-facing config builds on this). */
export interface ModelDims {
  vocabSize: number;
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
  activation: 'gelu' | 'relu';
  norm: 'pre' | 'post';
  positional: 'learned' | 'sinusoidal';
  bias: boolean;
  tieEmbeddings: boolean;
  dropout: number;
  layerNormEps: number;
}

export interface TensorSpec {
  name: string;
  /** Shape, leading L for per-layer tensors. */
  shape: number[];
  offset: number;
  size: number;
  /** Weight decay applies (2-D weight matrices; not biases, LayerNorm or embeddings by default). */
  decay: boolean;
  /** Size of one layer's slice, for stacked tensors (0 otherwise). */
  layerStride: number;
  /** Held as q8 blocks (`q8Layout`): offset, size and layerStride count float32 slots of them. */
  quantized?: true;
}

/** How a model holds its weight matrices: float32, or int8 blocks of 32 with a scale each (inference only). */
export type WeightDtype = 'f32' | 'q8';

export interface ParamLayout {
  tensors: Map<string, TensorSpec>;
  total: number;
  /** 'q8' for `q8Layout`; absent means float32. */
  dtype?: WeightDtype;
}

export function paramLayout(d: ModelDims): ParamLayout {
  const { vocabSize: V, blockSize: maxT, nLayer: L, nEmbd: C } = d;
  const specs: [string, number[], boolean, boolean][] = [
    // name, shape, per-layer, decay
    ['wte', [V, C], false, false],
    ...(d.positional === 'learned' ? [['wpe', [maxT, C], false, false] as [string, number[], boolean, boolean]] : []),
    ['ln1w', [L, C], true, false],
    ['ln1b', [L, C], true, false],
    ['qkvw', [L, 3 * C, C], true, true],
    ...(d.bias ? [['qkvb', [L, 3 * C], true, false] as [string, number[], boolean, boolean]] : []),
    ['attprojw', [L, C, C], true, true],
    ...(d.bias ? [['attprojb', [L, C], true, false] as [string, number[], boolean, boolean]] : []),
    ['ln2w', [L, C], true, false],
    ['ln2b', [L, C], true, false],
    ['fcw', [L, 4 * C, C], true, true],
    ...(d.bias ? [['fcb', [L, 4 * C], true, false] as [string, number[], boolean, boolean]] : []),
    ['fcprojw', [L, C, 4 * C], true, true],
    ...(d.bias ? [['fcprojb', [L, C], true, false] as [string, number[], boolean, boolean]] : []),
    // GPT-2's final LayerNorm belongs to the pre-norm order; post-norm blocks already end in one.
    ...(d.norm === 'pre'
      ? ([['lnfw', [C], false, false], ['lnfb', [C], false, false]] as [string, number[], boolean, boolean][])
      : []),
    ...(d.tieEmbeddings ? [] : [['lm_head', [V, C], false, true] as [string, number[], boolean, boolean]]),
  ];
  const tensors = new Map<string, TensorSpec>();
  let offset = 0;
  for (const [name, shape, perLayer, decay] of specs) {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.set(name, { name, shape, offset, size, decay, layerStride: perLayer ? size / L : 0 });
    offset += size;
  }
  return { tensors, total: offset };
}

/** The tensors a q8 model holds as int8 blocks: every linear weight and the token embedding (the tied LM
 * head). Positions, LayerNorms and biases stay float32: together < 3% of GPT-2's parameters. */
const Q8_TENSORS = new Set(['wte', 'qkvw', 'attprojw', 'fcw', 'fcprojw', 'lm_head']);

/**
 * `paramLayout` with the matrices as q8 tensors (src/kernels/q8-layout.ts) in place of float32: the same
 * names and order, sizes in float32 slots. Needs nEmbd to be a multiple of 32 (the blocks run along it).
 */
export function q8Layout(d: ModelDims): ParamLayout {
  const tensors = new Map<string, TensorSpec>();
  let offset = 0;
  for (const t of paramLayout(d).tensors.values()) {
    if (Q8_TENSORS.has(t.name)) {
      const [rows, cols] = t.shape.slice(-2);
      const layers = t.layerStride > 0 ? t.shape[0] : 1;
      const stride = q8Floats(rows, cols);
      tensors.set(t.name, { ...t, offset, size: layers * stride, layerStride: t.layerStride > 0 ? stride : 0, quantized: true });
      offset += layers * stride;
    } else {
      tensors.set(t.name, { ...t, offset });
      offset += t.size;
    }
  }
  return { tensors, total: offset, dtype: 'q8' };
}

/** One activation window: per-layer ones are stacked on a leading L axis, `layerStride` floats apart. */
export interface ActivationSpec {
  shape: number[];
  offset: number;
  size: number;
  /** Size of one layer's slice for per-layer activations (0 for the others). */
  layerStride: number;
}

/** Activation buffers for a fixed (B, T): name → (shape, offset) in one flat buffer. */
export interface ActivationLayout {
  tensors: Map<string, ActivationSpec>;
  total: number;
}

export function activationLayout(d: ModelDims, B: number, T: number): ActivationLayout {
  const { nLayer: L, nEmbd: C, nHead: NH, vocabSize: V } = d;
  const N = B * T;
  // name, shape of one layer's slice (stacked L times) or of the whole tensor
  const perLayer: [string, number[]][] = [
    ['ln1', [N, C]], ['ln1_mean', [N]], ['ln1_rstd', [N]],
    ['qkv', [N, 3 * C]],
    ['atty', [N, C]],
    ['att_lse', [B, NH, T]],
    ['attproj', [N, C]],
    ['residual2', [N, C]],
    ['ln2', [N, C]], ['ln2_mean', [N]], ['ln2_rstd', [N]],
    ['fch', [N, 4 * C]],
    ['fch_act', [N, 4 * C]],
    ['fcproj', [N, C]],
    ['residual3', [N, C]],
  ];
  const once: [string, number[]][] = [
    ['lnf', [N, C]], ['lnf_mean', [N]], ['lnf_rstd', [N]],
    ['logits', [N, V]],
    ['losses', [N]],
    ['logits_lse', [N]],
    // Backward scratch, reused by every layer (llm.c keeps the same few buffers).
    ['dresidual', [N, C]], ['dln', [N, C]], ['dqkv', [N, 3 * C]], ['datty', [N, C]], ['dproj', [N, C]],
    ['dfch', [N, 4 * C]], ['dfch_act', [N, 4 * C]], ['dblock', [N, C]],
  ];
  const specs: [string, number[], boolean][] = [
    ['encoded', [N, C], false],
    ...perLayer.map(([name, shape]): [string, number[], boolean] => [name, [L, ...shape], true]),
    ...once.map(([name, shape]): [string, number[], boolean] => [name, shape, false]),
  ];
  const tensors = new Map<string, ActivationSpec>();
  let offset = 0;
  for (const [name, shape, stacked] of specs) {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.set(name, { shape, offset, size, layerStride: stacked ? size / L : 0 });
    offset += size;
  }
  return { tensors, total: offset };
}

/**
 * Floats of activations per layer for (B, T), summed from the layout: B·T·(18·C + 4 + NH), the memory
 * formula the README states. Per position: 18 C-wide rows (ln1, qkv ×3, atty, attproj, residual2, ln2,
 * fch ×4, fch_act ×4, fcproj, residual3), 4 LayerNorm statistics and NH attention log-sum-exps. (A
 * hand-kept count said 17·C; summing the layout is what keeps it right.)
 */
export function activationFloatsPerLayer(d: ModelDims, B: number, T: number): number {
  let floats = 0;
  for (const t of activationLayout(d, B, T).tensors.values()) floats += t.layerStride;
  return floats;
}
