/**
 * One transformer block, written once: the training engine (engine.ts) and the KV-cache session
 * (inference.ts) both run `blockForward`, over parameter windows made once per model (`modelViews`), so the
 * two cannot drift apart in norm order, activation or bias handling. Block orders:
 *   pre-norm  (GPT-2/3):              x ← x + Attn(LN1(x));  x ← x + MLP(LN2(x))
 *   post-norm (original Transformer): x ← LN1(x + Attn(x));  x ← LN2(x + MLP(x))
 */
import { WasmGptError } from '../errors.js';
import type { Kernels } from '../kernels/types.js';
import type { ModelDims, ParamLayout, WeightDtype } from './layout.js';

/** One layer's windows of a parameter-layout buffer (the parameters, or their gradients). Null: no bias. */
export interface LayerParams<F> {
  /** How the four weight matrices are held ('q8': inference only, `matmulForwardQ8`). */
  dtype: WeightDtype;
  ln1w: F; ln1b: F; qkvw: F; qkvb: F | null; attprojw: F; attprojb: F | null;
  ln2w: F; ln2b: F; fcw: F; fcb: F | null; fcprojw: F; fcprojb: F | null;
}

/** Every window of a parameter-layout buffer a forward or backward touches. */
export interface ModelViews<F> {
  dtype: WeightDtype;
  /** The token embedding (a q8 tensor in a q8 model). */
  wte: F;
  /** Learned positions; null with sinusoidal ones. */
  wpe: F | null;
  layers: LayerParams<F>[];
  /** The final LayerNorm (pre-norm only). */
  lnfw: F | null;
  lnfb: F | null;
  /** The classifier: wte when the embeddings are tied. */
  head: F;
}

/** The windows of `buf` (laid out by `layout`), made once so a step never looks a tensor up by name. */
export function modelViews<F, I>(k: Kernels<F, I>, d: ModelDims, layout: ParamLayout, buf: F): ModelViews<F> {
  const view = (name: string, layer?: number): F => {
    const t = layout.tensors.get(name);
    if (t === undefined) throw new WasmGptError(`no parameter ${name}`); // unreachable: the layout defines every name asked for
    return layer === undefined ? k.view(buf, t.offset, t.size) : k.view(buf, t.offset + layer * t.layerStride, t.layerStride);
  };
  const opt = (name: string, layer?: number) => (layout.tensors.has(name) ? view(name, layer) : null);
  const wte = view('wte');
  const dtype = layout.dtype ?? 'f32';
  return {
    dtype,
    wte,
    wpe: opt('wpe'),
    layers: Array.from({ length: d.nLayer }, (_, l) => ({
      dtype,
      ln1w: view('ln1w', l), ln1b: view('ln1b', l), qkvw: view('qkvw', l), qkvb: opt('qkvb', l),
      attprojw: view('attprojw', l), attprojb: opt('attprojb', l), ln2w: view('ln2w', l), ln2b: view('ln2b', l),
      fcw: view('fcw', l), fcb: opt('fcb', l), fcprojw: view('fcprojw', l), fcprojb: opt('fcprojb', l),
    })),
    lnfw: opt('lnfw'),
    lnfb: opt('lnfb'),
    head: d.tieEmbeddings ? wte : view('lm_head'),
  };
}

/**
 * Where one block reads and writes. The engine gives every layer its own buffers (the backward needs them);
 * the inference session reuses a few for all layers, aliasing them as the order allows: pre-norm
 * `res2 = res3 = x`, `ln2 = ln1`; post-norm `ln1 = ln2 = x`, `res2 = res3 = attproj = fcproj`. Every
 * kernel call below is then either out-of-place or one the kernels allow in place.
 */
export interface BlockBuffers<F> {
  ln1: F; ln1Mean: F; ln1Rstd: F;
  qkv: F; atty: F; attproj: F; res2: F;
  ln2: F; ln2Mean: F; ln2Rstd: F;
  fch: F; fchAct: F; fcproj: F; res3: F;
}

/** The attention of a block: causal over the batch (training), or over a KV cache (decoding). */
export interface BlockAttention<F> {
  forward(out: F, qkv: F, layer: number): void;
}

/** Distinct dropout streams per site: the step seed mixed with the site number. */
export function siteSeed(seed: number, site: number): number {
  return (seed + Math.imul(site + 1, 0x85ebca6b)) >>> 0;
}

/** Dropout sites of layer l: its attention probabilities, its attention branch, its MLP branch. */
export const dropoutSite = {
  attention: (l: number) => 1 + 3 * l,
  attnBranch: (l: number) => 2 + 3 * l,
  mlpBranch: (l: number) => 3 + 3 * l,
} as const;

/** The buffer holding a block's output. */
export function blockOutput<F>(d: ModelDims, b: BlockBuffers<F>): F {
  return d.norm === 'pre' ? b.res3 : b.ln2;
}

/** out (N,OC) = inp (N,C) · weightᵀ + bias, on float32 or q8 weights. */
export function linearForward<F, I>(k: Kernels<F, I>, dtype: WeightDtype, out: F, inp: F, weight: F, bias: F | null, N: number, C: number, OC: number): void {
  if (dtype === 'q8') k.matmulForwardQ8(out, inp, weight, bias, N, C, OC);
  else k.matmulForward(out, inp, weight, bias, N, C, OC);
}

/**
 * Block `layer` on N rows of x (N, C). `dropout` > 0 drops out each residual branch with masks from
 * (seed, site); the attention applies its own.
 */
export function blockForward<F, I>(
  k: Kernels<F, I>, d: ModelDims, layer: number, p: LayerParams<F>, b: BlockBuffers<F>, x: F, N: number,
  attention: BlockAttention<F>, dropout: number, seed: number,
): void {
  const C = d.nEmbd;
  const eps = d.layerNormEps;
  const pre = d.norm === 'pre';

  // attention branch: input is LN1(x) (pre-norm) or x (post-norm)
  if (pre) k.layernormForward(b.ln1, b.ln1Mean, b.ln1Rstd, x, p.ln1w, p.ln1b, N, C, eps);
  linearForward(k, p.dtype, b.qkv, pre ? b.ln1 : x, p.qkvw, p.qkvb, N, C, 3 * C);
  attention.forward(b.atty, b.qkv, layer);
  linearForward(k, p.dtype, b.attproj, b.atty, p.attprojw, p.attprojb, N, C, C);
  if (dropout > 0) k.dropoutForward(b.attproj, b.attproj, N * C, dropout, siteSeed(seed, dropoutSite.attnBranch(layer)), 0);
  k.residualForward(b.res2, x, b.attproj, N * C);
  if (!pre) k.layernormForward(b.ln1, b.ln1Mean, b.ln1Rstd, b.res2, p.ln1w, p.ln1b, N, C, eps);

  // MLP branch: input is LN2(res2) (pre-norm) or LN1(res2) (post-norm)
  if (pre) k.layernormForward(b.ln2, b.ln2Mean, b.ln2Rstd, b.res2, p.ln2w, p.ln2b, N, C, eps);
  linearForward(k, p.dtype, b.fch, pre ? b.ln2 : b.ln1, p.fcw, p.fcb, N, C, 4 * C);
  if (d.activation === 'gelu') k.geluForward(b.fchAct, b.fch, N * 4 * C);
  else k.reluForward(b.fchAct, b.fch, N * 4 * C);
  linearForward(k, p.dtype, b.fcproj, b.fchAct, p.fcprojw, p.fcprojb, N, 4 * C, C);
  if (dropout > 0) k.dropoutForward(b.fcproj, b.fcproj, N * C, dropout, siteSeed(seed, dropoutSite.mlpBranch(layer)), 0);
  k.residualForward(b.res3, pre ? b.res2 : b.ln1, b.fcproj, N * C);
  if (!pre) k.layernormForward(b.ln2, b.ln2Mean, b.ln2Rstd, b.res3, p.ln2w, p.ln2b, N, C, eps);
}
