/**
 * The GPT as an explicit sequence of kernel calls (llm.c's gpt2_forward / gpt2_backward): no autograd tape,
 * the backward is the forward's mirror image, written out. It runs on any `Kernels` backend, so the wasm
 * core and the pure-TypeScript twin execute exactly the same model.
 *
 * Buffers are allocated once for a fixed (B, T) (`paramLayout`, `activationLayout`), and every window into
 * them is made once, in the constructor: nothing is allocated or looked up by name per step. The blocks run
 * `blockForward` (block.ts), shared with the KV-cache session; pre-norm ends with a final LayerNorm.
 * Dropout (when `dims.dropout` > 0 and training): on the embeddings, the attention probabilities and each
 * residual branch, with masks from (step seed, site), so they are reproducible on every backend.
 */
import { WasmGptError } from '../errors.js';
import type { Kernels } from '../kernels/types.js';
import {
  blockForward, blockOutput, dropoutSite, modelViews, siteSeed, type BlockAttention, type BlockBuffers, type ModelViews,
} from './block.js';
import { activationLayout, paramLayout, type ActivationLayout, type ModelDims, type ParamLayout, type TensorSpec } from './layout.js';
import { initParameters, type InitScheme } from './init.js';

export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** One layer's activations: the block's buffers plus the attention's log-sum-exps (B, NH, T). */
interface LayerActs<F> extends BlockBuffers<F> {
  lse: F;
}

/** The activations outside the blocks, and the backward's scratch (reused by every layer). */
interface ModelActs<F> {
  encoded: F; lnf: F; lnfMean: F; lnfRstd: F; logits: F; losses: F; logitsLse: F;
  dresidual: F; dln: F; dqkv: F; datty: F; dproj: F; dfch: F; dfchAct: F; dblock: F;
}

export class GPTEngine<F, I> {
  readonly k: Kernels<F, I>;
  readonly dims: ModelDims;
  readonly B: number;
  readonly T: number;
  readonly layout: ParamLayout;
  readonly actLayout: ActivationLayout;
  readonly params: F;
  readonly grads: F;
  readonly m: F;
  readonly v: F;
  readonly acts: F;
  readonly tokens: I;
  readonly targets: I;
  readonly #decayRanges: I;
  #decayRangeCount = 0;
  readonly #posTable: F | undefined;
  readonly #P: ModelViews<F>;
  /** The gradients' windows; unset on an inference-only engine (it has no gradients). */
  readonly #G: ModelViews<F> | undefined;
  readonly #layerActs: LayerActs<F>[];
  readonly #act: ModelActs<F>;
  readonly #attention: BlockAttention<F>;
  #dropout = 0;
  #seed = 0;
  #hasTargets = false;
  #count = 0;

  readonly #ownsParams: boolean;
  readonly inferenceOnly: boolean;

  /**
   * `params` (the layout's `total` floats) may be shared with another owner (the `GPT`, an inference
   * session); the engine then never frees it. Otherwise the engine allocates its own.
   */
  constructor(k: Kernels<F, I>, dims: ModelDims, B: number, T: number, params?: F, inferenceOnly = false) {
    this.k = k;
    this.dims = dims;
    this.B = B;
    this.T = T;
    this.layout = paramLayout(dims);
    this.actLayout = activationLayout(dims, B, T);
    const n = this.layout.total;
    this.#ownsParams = params === undefined;
    this.params = params ?? k.alloc(n);
    this.inferenceOnly = inferenceOnly;
    const trainN = inferenceOnly ? 1 : n;
    this.grads = k.alloc(trainN);
    this.m = k.alloc(trainN);
    this.v = k.alloc(trainN);
    this.acts = k.alloc(this.actLayout.total);
    this.tokens = k.allocI32(B * T);
    this.targets = k.allocI32(B * T);
    this.#decayRanges = k.allocI32(2 * this.layout.tensors.size);
    this.setWeightDecayTensors((t) => t.decay);
    if (dims.positional === 'sinusoidal') {
      this.#posTable = k.alloc(dims.blockSize * dims.nEmbd);
      k.positionalSinusoidal(this.#posTable, dims.blockSize, dims.nEmbd);
    }

    this.#P = modelViews(k, dims, this.layout, this.params);
    this.#G = inferenceOnly ? undefined : modelViews(k, dims, this.layout, this.grads);
    const a = (name: string, layer?: number) => this.a(name, layer);
    this.#layerActs = Array.from({ length: dims.nLayer }, (_, l) => ({
      ln1: a('ln1', l), ln1Mean: a('ln1_mean', l), ln1Rstd: a('ln1_rstd', l),
      qkv: a('qkv', l), atty: a('atty', l), lse: a('att_lse', l), attproj: a('attproj', l), res2: a('residual2', l),
      ln2: a('ln2', l), ln2Mean: a('ln2_mean', l), ln2Rstd: a('ln2_rstd', l),
      fch: a('fch', l), fchAct: a('fch_act', l), fcproj: a('fcproj', l), res3: a('residual3', l),
    }));
    this.#act = {
      encoded: a('encoded'), lnf: a('lnf'), lnfMean: a('lnf_mean'), lnfRstd: a('lnf_rstd'), logits: a('logits'),
      losses: a('losses'), logitsLse: a('logits_lse'),
      dresidual: a('dresidual'), dln: a('dln'), dqkv: a('dqkv'), datty: a('datty'), dproj: a('dproj'),
      dfch: a('dfch'), dfchAct: a('dfch_act'), dblock: a('dblock'),
    };
    const { nEmbd: C, nHead: NH } = dims;
    this.#attention = {
      forward: (out, qkv, l) =>
        k.attentionForward(out, this.#layerActs[l].lse, qkv, B, T, C, NH, this.#dropout, siteSeed(this.#seed, dropoutSite.attention(l))),
    };
  }

  /** Window of parameter tensor `name` (one layer's slice when `layer` is given). */
  p(name: string, layer?: number): F {
    return this.#view(this.params, name, layer);
  }

  /** Same window in the gradient buffer. */
  g(name: string, layer?: number): F {
    return this.#view(this.grads, name, layer);
  }

  #view(buf: F, name: string, layer?: number): F {
    const t = this.layout.tensors.get(name);
    if (t === undefined) throw new WasmGptError(`no parameter ${name}`);
    if (layer === undefined) return this.k.view(buf, t.offset, t.size);
    return this.k.view(buf, t.offset + layer * t.layerStride, t.layerStride);
  }

  /** Window of activation `name` (one layer's slice when `layer` is given). */
  a(name: string, layer?: number): F {
    const t = this.actLayout.tensors.get(name);
    if (t === undefined) throw new WasmGptError(`no activation ${name}`);
    if (layer === undefined) return this.k.view(this.acts, t.offset, t.size);
    return this.k.view(this.acts, t.offset + layer * t.layerStride, t.layerStride);
  }

  /** Output of layer l (input of layer l+1). */
  #blockOut(l: number): F {
    return blockOutput(this.dims, this.#layerActs[l]);
  }

  /**
   * Runs the model on tokens (B·T ids, row-major). With targets, computes the mean cross-entropy (ignore
   * index -1) and returns it; otherwise returns NaN and leaves logits in `a('logits')`.
   * `training` turns dropout on, with masks drawn from `seed`.
   */
  forward(tokens: ArrayLike<number>, targets?: ArrayLike<number>, training = false, seed = 0): number {
    const { k, dims: d, B, T } = this;
    const { nEmbd: C, nLayer: L, vocabSize: V } = d;
    const N = B * T;
    const P = this.#P;
    const act = this.#act;
    const p = training ? d.dropout : 0;
    this.#dropout = p;
    this.#seed = seed >>> 0;
    k.writeI32(this.tokens, tokens);
    k.encoderForward(act.encoded, this.tokens, P.wte, P.wpe ?? (this.#posTable as F), B, T, C);
    if (p > 0) k.dropoutForward(act.encoded, act.encoded, N * C, p, siteSeed(this.#seed, 0), 0);

    for (let l = 0; l < L; l++) {
      const x = l === 0 ? act.encoded : this.#blockOut(l - 1);
      blockForward(k, d, l, P.layers[l], this.#layerActs[l], x, N, this.#attention, p, this.#seed);
    }

    let final = this.#blockOut(L - 1);
    if (d.norm === 'pre') {
      k.layernormForward(act.lnf, act.lnfMean, act.lnfRstd, final, P.lnfw as F, P.lnfb as F, N, C, d.layerNormEps);
      final = act.lnf;
    }
    k.matmulForward(act.logits, final, P.head, null, N, C, V);
    if (targets === undefined) {
      this.#hasTargets = false;
      return NaN;
    }
    k.writeI32(this.targets, targets);
    this.#hasTargets = true;
    this.#count = 0;
    for (let i = 0; i < targets.length; i++) if (targets[i] !== -1) this.#count++;
    return k.crossEntropyForward(act.losses, act.logitsLse, act.logits, this.targets, N, V, -1);
  }

  zeroGrad(): void {
    this.k.fill(this.grads, 0);
  }

  /** Accumulates d(mean loss)/d(params) into the gradients (call `zeroGrad` between steps). */
  backward(): void {
    if (this.#G === undefined) throw new WasmGptError('backward() on an inference-only engine');
    if (!this.#hasTargets) throw new WasmGptError('backward() needs a forward() with targets first');
    const { k, dims: d, B, T } = this;
    const { nEmbd: C, nHead: NH, nLayer: L, vocabSize: V } = d;
    const N = B * T;
    const p = this.#dropout;
    const pre = d.norm === 'pre';
    const P = this.#P;
    const G = this.#G;
    const { dln, dqkv, datty, dproj, dfch, dfchAct } = this.#act;
    // `g`: gradient w.r.t. the current block's output, walking down the layers. Post-norm also needs `h`,
    // a second residual-stream gradient; the two swap roles every layer.
    let g = this.#act.dresidual;
    let h = this.#act.dblock;

    // classifier and loss: dlogits overwrites logits
    const { logits, lnf, lnfMean, lnfRstd } = this.#act;
    k.crossEntropyBackward(logits, logits, this.#act.logitsLse, this.targets, N, V, -1, this.#count > 0 ? 1 / this.#count : 0);
    // The first writer of each scratch gradient overwrites it (accumulate = false): no zero-fills.
    if (pre) {
      k.matmulBackward(dln, G.head, null, logits, lnf, P.head, N, C, V, false);
      k.layernormBackward(g, G.lnfw as F, G.lnfb as F, dln, this.#blockOut(L - 1), P.lnfw as F, lnfMean, lnfRstd, N, C, false);
    } else {
      k.matmulBackward(g, G.head, null, logits, this.#blockOut(L - 1), P.head, N, C, V, false);
    }

    for (let l = L - 1; l >= 0; l--) {
      const x = l === 0 ? this.#act.encoded : this.#blockOut(l - 1);
      const { ln1, ln1Mean, ln1Rstd, ln2, ln2Mean, ln2Rstd, qkv, atty, lse, res2, fch, fchAct, res3 } = this.#layerActs[l];
      const pl = P.layers[l];
      const gl = G.layers[l];

      // dres3: gradient w.r.t. res3 = h_in + dropout(fcproj).
      // Pre-norm: res3 is the block output, so it is g itself, and g keeps accumulating below: the residual
      // stream's gradient passes straight through and each LayerNorm backward adds its branch into it.
      // Post-norm: the block output is LN2(res3).
      let dres3 = g;
      if (!pre) {
        k.layernormBackward(h, gl.ln2w, gl.ln2b, g, res3, pl.ln2w, ln2Mean, ln2Rstd, N, C, false);
        dres3 = h;
      }
      const dfcproj = p > 0 ? dproj : dres3;
      if (p > 0) k.dropoutBackward(dproj, dres3, N * C, p, siteSeed(this.#seed, dropoutSite.mlpBranch(l)), 0);
      k.matmulBackward(dfchAct, gl.fcprojw, gl.fcprojb, dfcproj, fchAct, pl.fcprojw, N, 4 * C, C, false);
      if (d.activation === 'gelu') k.geluBackward(dfch, fch, dfchAct, N * 4 * C, false);
      else k.reluBackward(dfch, fch, dfchAct, N * 4 * C, false);
      k.matmulBackward(dln, gl.fcw, gl.fcb, dfch, pre ? ln2 : ln1, pl.fcw, N, C, 4 * C, false);

      // dres2: gradient w.r.t. res2 = x + dropout(attproj).
      let dres2: F;
      if (pre) {
        // res3 = res2 + MLP(LN2(res2)): add LN2's backward into g, which becomes dres2.
        k.layernormBackward(g, gl.ln2w, gl.ln2b, dln, res2, pl.ln2w, ln2Mean, ln2Rstd, N, C, true);
        dres2 = g;
      } else {
        // res3 = ln1 + MLP(ln1), ln1 = LN1(res2): dln += dres3, then LN1's backward into g (no longer needed).
        k.residualForward(dln, dln, dres3, N * C);
        k.layernormBackward(g, gl.ln1w, gl.ln1b, dln, res2, pl.ln1w, ln1Mean, ln1Rstd, N, C, false);
        dres2 = g;
      }
      const dattproj = p > 0 ? dproj : dres2;
      if (p > 0) k.dropoutBackward(dproj, dres2, N * C, p, siteSeed(this.#seed, dropoutSite.attnBranch(l)), 0);
      k.matmulBackward(datty, gl.attprojw, gl.attprojb, dattproj, atty, pl.attprojw, N, C, C, false);
      k.attentionBackward(dqkv, datty, qkv, atty, lse, B, T, C, NH, p, siteSeed(this.#seed, dropoutSite.attention(l)), false);

      // gradient w.r.t. x, the block input: the pass-through dres2 plus the attention branch.
      if (pre) {
        k.matmulBackward(dln, gl.qkvw, gl.qkvb, dqkv, ln1, pl.qkvw, N, C, 3 * C, false);
        k.layernormBackward(g, gl.ln1w, gl.ln1b, dln, x, pl.ln1w, ln1Mean, ln1Rstd, N, C, true);
      } else {
        k.matmulBackward(h, gl.qkvw, gl.qkvb, dqkv, x, pl.qkvw, N, C, 3 * C, false);
        k.residualForward(h, h, dres2, N * C);
        [g, h] = [h, g];
      }
    }

    // embeddings
    if (p > 0) k.dropoutBackward(g, g, N * C, p, siteSeed(this.#seed, 0), 0);
    k.encoderBackward(G.wte, G.wpe, g, this.tokens, B, T, C);
  }

  /** grads *= s (averaging accumulated micro-batches). */
  scaleGrads(s: number): void {
    this.k.scale(this.grads, this.layout.total, s);
  }

  /** Zeroes both AdamW moments (a fresh optimizer). */
  resetMoments(): void {
    this.k.fill(this.m, 0);
    this.k.fill(this.v, 0);
  }

  /** Copies of both AdamW moments. */
  readMoments(): { m: Float32Array; v: Float32Array } {
    return { m: this.k.read(this.m), v: this.k.read(this.v) };
  }

  /** Restores both AdamW moments (`layout.total` floats each; the caller checks the lengths). */
  writeMoments(m: ArrayLike<number>, v: ArrayLike<number>): void {
    this.k.write(this.m, m);
    this.k.write(this.v, v);
  }

  /** Global gradient norm (before clipping); when `maxNorm` is finite and exceeded, scales the gradients down to it. */
  clipGradients(maxNorm: number): number {
    const norm = this.k.gradNorm(this.grads, this.layout.total);
    // PyTorch's clip_grad_norm_ rule exactly: scale by maxNorm / (norm + 1e-6) whenever that is below 1, which
    // includes norms just under maxNorm.
    const coef = maxNorm / (norm + 1e-6);
    if (Number.isFinite(maxNorm) && coef < 1) this.k.scale(this.grads, this.layout.total, coef);
    return norm;
  }

  /** Chooses which parameter tensors AdamW's weight decay applies to (default: the layout's `decay` flags). */
  setWeightDecayTensors(select: (t: TensorSpec) => boolean): void {
    const ranges = [...this.layout.tensors.values()].filter(select).flatMap((t) => [t.offset, t.offset + t.size]);
    this.#decayRangeCount = ranges.length / 2;
    if (ranges.length) this.k.writeI32(this.#decayRanges, ranges);
  }

  /** One AdamW update; `step` counts from 1. */
  update(h: AdamWHyper, step: number): void {
    if (this.inferenceOnly) throw new WasmGptError('update() on an inference-only engine');
    this.k.adamw(this.params, this.grads, this.m, this.v, this.layout.total, this.#decayRanges, this.#decayRangeCount,
      h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, step);
  }

  /** Fresh parameters from `scheme` (see init.ts) and zeroed optimizer moments. */
  init(scheme: InitScheme, seed: number): void {
    const host = new Float32Array(this.layout.total);
    initParameters(host, this.dims, this.layout, scheme, seed);
    this.k.write(this.params, host);
    this.resetMoments();
  }

  /** GPT-2 initialisation (N(0, 0.02), scaled residual projections); see init.ts. */
  initGpt2(seed: number): void {
    this.init('gpt2', seed);
  }

  free(): void {
    if (this.#ownsParams) this.k.free(this.params);
    for (const b of [this.grads, this.m, this.v, this.acts]) this.k.free(b);
    this.k.free(this.tokens);
    this.k.free(this.targets);
    this.k.free(this.#decayRanges);
    if (this.#posTable) this.k.free(this.#posTable);
  }
}
