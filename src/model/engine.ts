/**
 * The GPT as an explicit sequence of kernel calls (llm.c's gpt2_forward / gpt2_backward): no autograd tape,
 * the backward is the forward's mirror image, written out. It runs on any `Kernels` backend, so the wasm
 * core and the pure-TypeScript twin execute exactly the same model.
 *
 * Buffers are allocated once for a fixed (B, T) (`paramLayout`, `activationLayout`); nothing is allocated
 * per step. Block orders:
 *   pre-norm  (GPT-2/3):              x ← x + Attn(LN1(x));  x ← x + MLP(LN2(x));  final LN
 *   post-norm (original Transformer): x ← LN1(x + Attn(x));  x ← LN2(x + MLP(x))
 * Dropout (when `dims.dropout` > 0 and training): on the embeddings, the attention probabilities and each
 * residual branch, with masks from (step seed, site), so they are reproducible on every backend.
 */
import { WasmGptError } from '../errors.js';
import type { Kernels } from '../kernels/types.js';
import { activationLayout, paramLayout, type ActivationLayout, type ModelDims, type ParamLayout, type TensorSpec } from './layout.js';
import { initParameters, type InitScheme } from './init.js';

export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** Distinct dropout streams per site: the step seed mixed with the site number. */
function siteSeed(seed: number, site: number): number {
  return (seed + Math.imul(site + 1, 0x85ebca6b)) >>> 0;
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
  #training = false;
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
  }

  /** Window of parameter tensor `name` (one layer's slice when `layer` is given). */
  p(name: string, layer?: number): F {
    return this.#view(this.params, name, layer);
  }

  /** Same window in the gradient buffer. */
  g(name: string, layer?: number): F {
    return this.#view(this.grads, name, layer);
  }

  // Views are made once and reused: a step asks for a few hundred of them.
  readonly #views = new Map<string, F>();

  #cached(key: string, make: () => F): F {
    let v = this.#views.get(key);
    if (v === undefined) {
      v = make();
      this.#views.set(key, v);
    }
    return v;
  }

  #view(buf: F, name: string, layer?: number): F {
    const which = buf === this.params ? 'p' : 'g';
    return this.#cached(`${which}:${name}:${layer ?? ''}`, () => {
      const t = this.layout.tensors.get(name);
      if (t === undefined) throw new WasmGptError(`no parameter ${name}`);
      if (layer === undefined) return this.k.view(buf, t.offset, t.size);
      return this.k.view(buf, t.offset + layer * t.layerStride, t.layerStride);
    });
  }

  #pOpt(name: string, layer: number): F | null {
    return this.layout.tensors.has(name) ? this.p(name, layer) : null;
  }

  #gOpt(name: string, layer: number): F | null {
    return this.layout.tensors.has(name) ? this.g(name, layer) : null;
  }

  /** Window of activation `name` (one layer's slice when `layer` is given). */
  a(name: string, layer?: number): F {
    return this.#cached(`a:${name}:${layer ?? ''}`, () => {
      const t = this.actLayout.tensors.get(name);
      if (t === undefined) throw new WasmGptError(`no activation ${name}`);
      if (layer === undefined) return this.k.view(this.acts, t.offset, t.size);
      const stride = t.size / this.dims.nLayer;
      return this.k.view(this.acts, t.offset + layer * stride, stride);
    });
  }

  /** Output of layer l (input of layer l+1). */
  #blockOut(l: number): F {
    return this.dims.norm === 'pre' ? this.a('residual3', l) : this.a('ln2', l);
  }

  /** The classifier weight: wte when tied. */
  #lmHeadName(): string {
    return this.dims.tieEmbeddings ? 'wte' : 'lm_head';
  }

  /**
   * Runs the model on tokens (B·T ids, row-major). With targets, computes the mean cross-entropy (ignore
   * index -1) and returns it; otherwise returns NaN and leaves logits in `a('logits')`.
   * `training` turns dropout on, with masks drawn from `seed`.
   */
  forward(tokens: ArrayLike<number>, targets?: ArrayLike<number>, training = false, seed = 0): number {
    const { k, dims: d, B, T } = this;
    const { nEmbd: C, nHead: NH, nLayer: L, vocabSize: V } = d;
    const N = B * T;
    const p = training ? d.dropout : 0;
    this.#training = training;
    this.#seed = seed >>> 0;
    k.writeI32(this.tokens, tokens);
    const wpe = d.positional === 'learned' ? this.p('wpe') : (this.#posTable as F);
    const encoded = this.a('encoded');
    k.encoderForward(encoded, this.tokens, this.p('wte'), wpe, B, T, C);
    if (p > 0) k.dropoutForward(encoded, encoded, N * C, p, siteSeed(this.#seed, 0), 0);

    for (let l = 0; l < L; l++) {
      const x = l === 0 ? encoded : this.#blockOut(l - 1);
      const [ln1, ln1m, ln1r] = [this.a('ln1', l), this.a('ln1_mean', l), this.a('ln1_rstd', l)];
      const [ln2, ln2m, ln2r] = [this.a('ln2', l), this.a('ln2_mean', l), this.a('ln2_rstd', l)];
      const [qkv, atty, lse, attproj] = [this.a('qkv', l), this.a('atty', l), this.a('att_lse', l), this.a('attproj', l)];
      const [res2, fch, fchAct, fcproj, res3] = [this.a('residual2', l), this.a('fch', l), this.a('fch_act', l), this.a('fcproj', l), this.a('residual3', l)];
      const pre = d.norm === 'pre';

      // attention branch: input is LN1(x) (pre-norm) or x (post-norm)
      if (pre) k.layernormForward(ln1, ln1m, ln1r, x, this.p('ln1w', l), this.p('ln1b', l), N, C, d.layerNormEps);
      k.matmulForward(qkv, pre ? ln1 : x, this.p('qkvw', l), this.#pOpt('qkvb', l), N, C, 3 * C);
      k.attentionForward(atty, lse, qkv, B, T, C, NH, p, siteSeed(this.#seed, 1 + 3 * l));
      k.matmulForward(attproj, atty, this.p('attprojw', l), this.#pOpt('attprojb', l), N, C, C);
      if (p > 0) k.dropoutForward(attproj, attproj, N * C, p, siteSeed(this.#seed, 2 + 3 * l), 0);
      k.residualForward(res2, x, attproj, N * C);
      if (!pre) k.layernormForward(ln1, ln1m, ln1r, res2, this.p('ln1w', l), this.p('ln1b', l), N, C, d.layerNormEps);

      // MLP branch: input is LN2(res2) (pre-norm) or LN1(res2) (post-norm)
      const h = pre ? ln2 : ln1;
      if (pre) k.layernormForward(ln2, ln2m, ln2r, res2, this.p('ln2w', l), this.p('ln2b', l), N, C, d.layerNormEps);
      k.matmulForward(fch, h, this.p('fcw', l), this.#pOpt('fcb', l), N, C, 4 * C);
      if (d.activation === 'gelu') k.geluForward(fchAct, fch, N * 4 * C);
      else k.reluForward(fchAct, fch, N * 4 * C);
      k.matmulForward(fcproj, fchAct, this.p('fcprojw', l), this.#pOpt('fcprojb', l), N, 4 * C, C);
      if (p > 0) k.dropoutForward(fcproj, fcproj, N * C, p, siteSeed(this.#seed, 3 + 3 * l), 0);
      k.residualForward(res3, pre ? res2 : ln1, fcproj, N * C);
      if (!pre) k.layernormForward(ln2, ln2m, ln2r, res3, this.p('ln2w', l), this.p('ln2b', l), N, C, d.layerNormEps);
    }

    let final = this.#blockOut(L - 1);
    if (d.norm === 'pre') {
      k.layernormForward(this.a('lnf'), this.a('lnf_mean'), this.a('lnf_rstd'), final, this.p('lnfw'), this.p('lnfb'), N, C, d.layerNormEps);
      final = this.a('lnf');
    }
    k.matmulForward(this.a('logits'), final, this.p(this.#lmHeadName()), null, N, C, V);
    if (targets === undefined) {
      this.#hasTargets = false;
      return NaN;
    }
    k.writeI32(this.targets, targets);
    this.#hasTargets = true;
    this.#count = 0;
    for (let i = 0; i < targets.length; i++) if (targets[i] !== -1) this.#count++;
    return k.crossEntropyForward(this.a('losses'), this.a('logits_lse'), this.a('logits'), this.targets, N, V, -1);
  }

  zeroGrad(): void {
    this.k.fill(this.grads, 0);
  }

  /** Accumulates d(mean loss)/d(params) into the gradients (call `zeroGrad` between steps). */
  backward(): void {
    if (this.inferenceOnly) throw new WasmGptError('backward() on an inference-only engine');
    if (!this.#hasTargets) throw new WasmGptError('backward() needs a forward() with targets first');
    const { k, dims: d, B, T } = this;
    const { nEmbd: C, nHead: NH, nLayer: L, vocabSize: V } = d;
    const N = B * T;
    const p = this.#training ? d.dropout : 0;
    const pre = d.norm === 'pre';
    const [dln, dqkv, datty, dproj, dfch, dfchAct] = ['dln', 'dqkv', 'datty', 'dproj', 'dfch', 'dfch_act'].map((n) => this.a(n));
    // `g`: gradient w.r.t. the current block's output, walking down the layers. Post-norm also needs `h`,
    // a second residual-stream gradient; the two swap roles every layer.
    let g = this.a('dresidual');
    let h = this.a('dblock');

    // classifier and loss: dlogits overwrites logits
    const logits = this.a('logits');
    k.crossEntropyBackward(logits, logits, this.a('logits_lse'), this.targets, N, V, -1, this.#count > 0 ? 1 / this.#count : 0);
    const head = { w: this.p(this.#lmHeadName()), dw: this.g(this.#lmHeadName()) };
    k.fill(g, 0);
    if (pre) {
      k.fill(dln, 0);
      k.matmulBackward(dln, head.dw, null, logits, this.a('lnf'), head.w, N, C, V);
      k.layernormBackward(g, this.g('lnfw'), this.g('lnfb'), dln, this.#blockOut(L - 1), this.p('lnfw'), this.a('lnf_mean'), this.a('lnf_rstd'), N, C);
    } else {
      k.matmulBackward(g, head.dw, null, logits, this.#blockOut(L - 1), head.w, N, C, V);
    }

    for (let l = L - 1; l >= 0; l--) {
      const x = l === 0 ? this.a('encoded') : this.#blockOut(l - 1);
      const [ln1, ln1m, ln1r] = [this.a('ln1', l), this.a('ln1_mean', l), this.a('ln1_rstd', l)];
      const [ln2, ln2m, ln2r] = [this.a('ln2', l), this.a('ln2_mean', l), this.a('ln2_rstd', l)];
      const [qkv, atty, lse] = [this.a('qkv', l), this.a('atty', l), this.a('att_lse', l)];
      const [res2, fch, fchAct, res3] = [this.a('residual2', l), this.a('fch', l), this.a('fch_act', l), this.a('residual3', l)];

      // dres3: gradient w.r.t. res3 = h_in + dropout(fcproj).
      // Pre-norm: res3 is the block output, so it is g itself, and g keeps accumulating below: the residual
      // stream's gradient passes straight through and each LayerNorm backward adds its branch into it.
      // Post-norm: the block output is LN2(res3).
      let dres3 = g;
      if (!pre) {
        k.fill(h, 0);
        k.layernormBackward(h, this.g('ln2w', l), this.g('ln2b', l), g, res3, this.p('ln2w', l), ln2m, ln2r, N, C);
        dres3 = h;
      }
      const dfcproj = p > 0 ? dproj : dres3;
      if (p > 0) k.dropoutBackward(dproj, dres3, N * C, p, siteSeed(this.#seed, 3 + 3 * l), 0);
      k.fill(dfchAct, 0);
      k.matmulBackward(dfchAct, this.g('fcprojw', l), this.#gOpt('fcprojb', l), dfcproj, fchAct, this.p('fcprojw', l), N, 4 * C, C);
      k.fill(dfch, 0);
      if (d.activation === 'gelu') k.geluBackward(dfch, fch, dfchAct, N * 4 * C);
      else k.reluBackward(dfch, fch, dfchAct, N * 4 * C);
      k.fill(dln, 0);
      k.matmulBackward(dln, this.g('fcw', l), this.#gOpt('fcb', l), dfch, pre ? ln2 : ln1, this.p('fcw', l), N, C, 4 * C);

      // dres2: gradient w.r.t. res2 = x + dropout(attproj).
      let dres2: F;
      if (pre) {
        // res3 = res2 + MLP(LN2(res2)): add LN2's backward into g, which becomes dres2.
        k.layernormBackward(g, this.g('ln2w', l), this.g('ln2b', l), dln, res2, this.p('ln2w', l), ln2m, ln2r, N, C);
        dres2 = g;
      } else {
        // res3 = ln1 + MLP(ln1), ln1 = LN1(res2): dln += dres3, then LN1's backward into g (no longer needed).
        k.residualForward(dln, dln, dres3, N * C);
        k.fill(g, 0);
        k.layernormBackward(g, this.g('ln1w', l), this.g('ln1b', l), dln, res2, this.p('ln1w', l), ln1m, ln1r, N, C);
        dres2 = g;
      }
      const dattproj = p > 0 ? dproj : dres2;
      if (p > 0) k.dropoutBackward(dproj, dres2, N * C, p, siteSeed(this.#seed, 2 + 3 * l), 0);
      k.fill(datty, 0);
      k.matmulBackward(datty, this.g('attprojw', l), this.#gOpt('attprojb', l), dattproj, atty, this.p('attprojw', l), N, C, C);
      k.fill(dqkv, 0);
      k.attentionBackward(dqkv, datty, qkv, atty, lse, B, T, C, NH, p, siteSeed(this.#seed, 1 + 3 * l));

      // gradient w.r.t. x, the block input: the pass-through dres2 plus the attention branch.
      if (pre) {
        k.fill(dln, 0);
        k.matmulBackward(dln, this.g('qkvw', l), this.#gOpt('qkvb', l), dqkv, ln1, this.p('qkvw', l), N, C, 3 * C);
        k.layernormBackward(g, this.g('ln1w', l), this.g('ln1b', l), dln, x, this.p('ln1w', l), ln1m, ln1r, N, C);
      } else {
        k.fill(h, 0);
        k.matmulBackward(h, this.g('qkvw', l), this.#gOpt('qkvb', l), dqkv, x, this.p('qkvw', l), N, C, 3 * C);
        k.residualForward(h, h, dres2, N * C);
        [g, h] = [h, g];
      }
    }

    // embeddings
    if (p > 0) k.dropoutBackward(g, g, N * C, p, siteSeed(this.#seed, 0), 0);
    k.encoderBackward(this.g('wte'), d.positional === 'learned' ? this.g('wpe') : null, g, this.tokens, B, T, C);
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
    this.k.fill(this.m, 0);
    this.k.fill(this.v, 0);
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
