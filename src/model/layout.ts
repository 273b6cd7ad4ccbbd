/**
 * Where every parameter and activation lives: one flat buffer each for parameters, gradients and the two
 * AdamW moments (identical layouts), and one for activations, with named windows into them (llm.c's
 * `ParameterTensors` / `ActivationTensors`). Layers are stacked on a leading L axis. Linear weights are
 * (out, in), as llm.c and PyTorch's nn.Linear store them; Hugging Face GPT-2's Conv1D layout is the
 * transpose, converted in one place when checkpoints are read or written.
 */

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
}

export interface ParamLayout {
  tensors: Map<string, TensorSpec>;
  total: number;
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

/** Activation buffers for a fixed (B, T): name → (shape, offset) in one flat buffer. */
export interface ActivationLayout {
  tensors: Map<string, { shape: number[]; offset: number; size: number }>;
  total: number;
}

export function activationLayout(d: ModelDims, B: number, T: number): ActivationLayout {
  const { nLayer: L, nEmbd: C, nHead: NH, vocabSize: V } = d;
  const N = B * T;
  const specs: [string, number[]][] = [
    ['encoded', [N, C]],
    ['ln1', [L, N, C]], ['ln1_mean', [L, N]], ['ln1_rstd', [L, N]],
    ['qkv', [L, N, 3 * C]],
    ['atty', [L, N, C]],
    ['att_lse', [L, B, NH, T]],
    ['attproj', [L, N, C]],
    ['residual2', [L, N, C]],
    ['ln2', [L, N, C]], ['ln2_mean', [L, N]], ['ln2_rstd', [L, N]],
    ['fch', [L, N, 4 * C]],
    ['fch_act', [L, N, 4 * C]],
    ['fcproj', [L, N, C]],
    ['residual3', [L, N, C]],
    ['lnf', [N, C]], ['lnf_mean', [N]], ['lnf_rstd', [N]],
    ['logits', [N, V]],
    ['losses', [N]],
    ['logits_lse', [N]],
    // Backward scratch, reused by every layer (llm.c keeps the same few buffers).
    ['dresidual', [N, C]], ['dln', [N, C]], ['dqkv', [N, 3 * C]], ['datty', [N, C]], ['dproj', [N, C]],
    ['dfch', [N, 4 * C]], ['dfch_act', [N, 4 * C]], ['dblock', [N, C]],
  ];
  const tensors = new Map<string, { shape: number[]; offset: number; size: number }>();
  let offset = 0;
  for (const [name, shape] of specs) {
    const size = shape.reduce((a, b) => a * b, 1);
    tensors.set(name, { shape, offset, size });
    offset += size;
  }
  return { tensors, total: offset };
}

/** Floats of activations per layer for (B, T): the memory formula the README states. */
export function activationFloatsPerLayer(d: ModelDims, B: number, T: number): number {
  const C = d.nEmbd;
  // ln1, qkv(3), atty, attproj, residual2, ln2, fch(4), fch_act(4), fcproj, residual3 = 17 C per position,
  // plus 4 LayerNorm statistics and NH attention log-sum-exps per position.
  return B * T * (17 * C + 4 + d.nHead);
}
