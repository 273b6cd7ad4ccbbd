/**
 * Hugging Face GPT-2 compatibility, as pure functions over (ModelDims, flat parameter array):
 * `config.json` ⇄ ModelDims, and our parameter layout ⇄ HF tensor names.
 *
 * Names are GPT2LMHeadModel's state-dict names (`transformer.h.0.attn.c_attn.weight`, `lm_head.weight`):
 * what its `save_pretrained` writes, and the only form its loader accepts when the file also holds an untied
 * `lm_head.weight` (unprefixed base names plus a head weight make `from_pretrained` reject the file as
 * corrupted). Loading accepts names with or without the `transformer.` prefix.
 *
 * Layout: HF's Conv1D stores linear weights as (in, out); ours are (out, in) like nn.Linear and llm.c, so the
 * four block matrices are transposed on the way in and out. `lm_head.weight` is an nn.Linear: (V, C), as is.
 *
 * Variants GPT-2 lacks live in extra config keys HF ignores: `positional_encoding` ('learned' | 'sinusoidal',
 * sinusoidal has no `wpe`), `norm_placement` ('pre' | 'post', post-norm has no `ln_f`) and `bias` (false: no
 * linear biases; LayerNorm keeps its β). Such checkpoints keep HF's names but only load faithfully here.
 */
import { FormatError, ShapeError } from '../errors.js';
import { paramLayout, type ModelDims } from '../model/layout.js';
import { firstNonFinite, type Float32Tensor, type SafetensorsTensor } from './safetensors.js';

const PREFIX = 'transformer.';

/** config.json as written: GPT2Config's keys plus our variant keys. */
export interface HFGPT2Config {
  model_type: 'gpt2';
  architectures: ['GPT2LMHeadModel'];
  vocab_size: number;
  n_positions: number;
  n_ctx: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  n_inner: null;
  layer_norm_epsilon: number;
  activation_function: 'gelu_new' | 'relu';
  tie_word_embeddings: boolean;
  resid_pdrop: number;
  embd_pdrop: number;
  attn_pdrop: number;
  positional_encoding: 'learned' | 'sinusoidal';
  norm_placement: 'pre' | 'post';
  bias: boolean;
}

export function configToHF(dims: ModelDims): HFGPT2Config {
  return {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: dims.vocabSize,
    n_positions: dims.blockSize,
    n_ctx: dims.blockSize,
    n_embd: dims.nEmbd,
    n_layer: dims.nLayer,
    n_head: dims.nHead,
    n_inner: null,
    layer_norm_epsilon: dims.layerNormEps,
    activation_function: dims.activation === 'gelu' ? 'gelu_new' : 'relu',
    tie_word_embeddings: dims.tieEmbeddings,
    resid_pdrop: dims.dropout,
    embd_pdrop: dims.dropout,
    attn_pdrop: dims.dropout,
    positional_encoding: dims.positional,
    norm_placement: dims.norm,
    bias: dims.bias,
  };
}

/** GELU spellings that mean the tanh approximation our kernels compute. */
const TANH_GELU = ['gelu_new', 'gelu_pytorch_tanh'];

/**
 * Reads a GPT2Config-style `config.json` (parsed). Missing keys take GPT2Config's defaults (and ours for the
 * variant keys: learned positions, pre-norm, biases). Settings our model cannot run (erf GELU, a custom
 * `n_inner`, unscaled attention, cross-attention, ...) are rejected, naming the key. Our single dropout rate
 * is `resid_pdrop` (GPT-2 sets all three rates equal).
 */
export function configFromHF(json: unknown, source = 'config.json'): ModelDims {
  const fail = (msg: string): never => {
    // Every message but the first names its key as its first word.
    const key = /^[a-z_]+/.exec(msg)?.[0];
    throw new FormatError(`${source}: ${msg}`, { file: source, key: key === 'not' ? undefined : key });
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('not a JSON object');
  const c = json as Record<string, unknown>;
  if (c.model_type !== undefined && c.model_type !== 'gpt2') fail(`model_type is ${JSON.stringify(c.model_type)}, expected "gpt2"`);

  const int = (key: string, fallback?: number): number => {
    const v = c[key] ?? fallback;
    if (v === undefined) fail(`${key} is missing`);
    if (!Number.isSafeInteger(v) || (v as number) <= 0) fail(`${key} must be a positive integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const num = (key: string, fallback: number, ok: (x: number) => boolean, what: string): number => {
    const v = c[key] ?? fallback;
    if (typeof v !== 'number' || !ok(v)) fail(`${key} must be ${what}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const v = c[key] ?? fallback;
    if (typeof v !== 'boolean') fail(`${key} must be true or false, got ${JSON.stringify(v)}`);
    return v as boolean;
  };
  const oneOf = <T extends string>(key: string, fallback: T, allowed: readonly string[]): string => {
    const v = c[key] ?? fallback;
    if (typeof v !== 'string' || !allowed.includes(v)) fail(`${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`);
    return v as string;
  };

  const vocabSize = int('vocab_size', 50257);
  const blockSize = int('n_positions', (c.n_ctx as number | undefined) ?? 1024);
  const nEmbd = int('n_embd', 768);
  const nLayer = int('n_layer', 12);
  const nHead = int('n_head', 12);
  if (nEmbd % nHead !== 0) fail(`n_embd ${nEmbd} is not divisible by n_head ${nHead}`);
  if (c.n_ctx !== undefined && c.n_ctx !== null && c.n_ctx !== blockSize) fail(`n_ctx ${JSON.stringify(c.n_ctx)} differs from n_positions ${blockSize}`);
  if (c.n_inner !== undefined && c.n_inner !== null && c.n_inner !== 4 * nEmbd) {
    fail(`n_inner ${JSON.stringify(c.n_inner)} is not supported (the MLP width is fixed at 4·n_embd = ${4 * nEmbd})`);
  }
  const act = oneOf('activation_function', 'gelu_new', [...TANH_GELU, 'relu']);
  const unsupported: [string, unknown][] = [
    ['scale_attn_weights', true], ['scale_attn_by_inverse_layer_idx', false], ['reorder_and_upcast_attn', false],
    ['add_cross_attention', false],
  ];
  for (const [key, needed] of unsupported) {
    if (c[key] !== undefined && c[key] !== needed) fail(`${key} = ${JSON.stringify(c[key])} is not supported (only ${JSON.stringify(needed)})`);
  }
  const rate = (x: number) => x >= 0 && x < 1;
  const dropout = num('resid_pdrop', 0.1, rate, 'a probability in [0, 1)');
  num('embd_pdrop', 0.1, rate, 'a probability in [0, 1)');
  num('attn_pdrop', 0.1, rate, 'a probability in [0, 1)');
  return {
    vocabSize,
    blockSize,
    nLayer,
    nHead,
    nEmbd,
    activation: act === 'relu' ? 'relu' : 'gelu',
    norm: oneOf('norm_placement', 'pre', ['pre', 'post']) as 'pre' | 'post',
    positional: oneOf('positional_encoding', 'learned', ['learned', 'sinusoidal']) as 'learned' | 'sinusoidal',
    bias: bool('bias', true),
    tieEmbeddings: bool('tie_word_embeddings', true),
    dropout,
    layerNormEps: num('layer_norm_epsilon', 1e-5, (x) => x > 0 && x < 1, 'a number in (0, 1) (as GPTConfig.layerNormEps)'),
  };
}

/** One of our tensors and its HF counterpart. `transpose`: Conv1D's (in, out) vs our (out, in). */
interface Mapping {
  ours: string;
  hf: string; // without the `transformer.` prefix; `{i}` for the layer
  transpose: boolean;
}

const MAPPINGS: Mapping[] = [
  { ours: 'wte', hf: 'wte.weight', transpose: false },
  { ours: 'wpe', hf: 'wpe.weight', transpose: false },
  { ours: 'ln1w', hf: 'h.{i}.ln_1.weight', transpose: false },
  { ours: 'ln1b', hf: 'h.{i}.ln_1.bias', transpose: false },
  { ours: 'qkvw', hf: 'h.{i}.attn.c_attn.weight', transpose: true },
  { ours: 'qkvb', hf: 'h.{i}.attn.c_attn.bias', transpose: false },
  { ours: 'attprojw', hf: 'h.{i}.attn.c_proj.weight', transpose: true },
  { ours: 'attprojb', hf: 'h.{i}.attn.c_proj.bias', transpose: false },
  { ours: 'ln2w', hf: 'h.{i}.ln_2.weight', transpose: false },
  { ours: 'ln2b', hf: 'h.{i}.ln_2.bias', transpose: false },
  { ours: 'fcw', hf: 'h.{i}.mlp.c_fc.weight', transpose: true },
  { ours: 'fcb', hf: 'h.{i}.mlp.c_fc.bias', transpose: false },
  { ours: 'fcprojw', hf: 'h.{i}.mlp.c_proj.weight', transpose: true },
  { ours: 'fcprojb', hf: 'h.{i}.mlp.c_proj.bias', transpose: false },
  { ours: 'lnfw', hf: 'ln_f.weight', transpose: false },
  { ours: 'lnfb', hf: 'ln_f.bias', transpose: false },
  { ours: 'lm_head', hf: 'lm_head.weight', transpose: false },
];

/** One HF tensor: full name (prefixed as GPT2LMHeadModel names it), HF shape, where it lives in our buffer. */
export interface Slot {
  name: string;
  shape: number[];
  offset: number;
  transpose: boolean;
  /** Our tensor's name and the layer (0 for tensors that are not per layer). */
  ours: string;
  layer: number;
}

const slotSize = (s: Slot): number => s.shape.reduce((a, b) => a * b, 1);

/**
 * One buffer for turning transposed tensors around, sized for the largest: the transpose's scattered writes
 * straight into a fresh parameter array (untouched pages, far apart) ran ~5× slower than into a reused buffer
 * that stays in cache, followed by one sequential copy.
 */
const transposeScratch = (expected: readonly Slot[]): Float32Array =>
  new Float32Array(Math.max(0, ...expected.filter((s) => s.transpose).map(slotSize)));

/** Every HF tensor of `dims`, in layout order. */
export function hfSlots(dims: ModelDims): Slot[] {
  const layout = paramLayout(dims);
  const out: Slot[] = [];
  for (const m of MAPPINGS) {
    const t = layout.tensors.get(m.ours);
    if (t === undefined) continue; // absent in this variant (wpe, biases, ln_f, lm_head)
    const full = m.ours === 'lm_head' ? m.hf : PREFIX + m.hf;
    const perLayer = t.layerStride > 0;
    const shape = perLayer ? t.shape.slice(1) : t.shape.slice();
    if (m.transpose) shape.reverse();
    for (let i = 0; i < (perLayer ? dims.nLayer : 1); i++) {
      out.push({ name: full.replace('{i}', String(i)), shape, offset: t.offset + i * t.layerStride, transpose: m.transpose, ours: m.ours, layer: i });
    }
  }
  return out;
}

/** Tile edge of the transpose: a 16×16 tile's source rows and destination rows stay in cache. */
const TILE = 16;

/**
 * (rows, cols) row-major → (cols, rows) row-major, tile by tile (≈1.7× faster than the plain double loop on
 * GPT-2's 768×3072 matrices, whose column walk otherwise misses cache on every element).
 */
function transposeInto(dst: Float32Array, src: Float32Array, rows: number, cols: number): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let c = c0; c < c1; c++) {
        const d = c * rows;
        for (let r = r0; r < r1; r++) dst[d + r] = src[r * cols + c];
      }
    }
  }
}

/**
 * Our flat parameters (or gradients, or AdamW moments: same layout) as HF GPT-2 tensors, in layout order.
 * Untransposed tensors are views into `params`; transposed ones are copies.
 */
export function paramsToHF(dims: ModelDims, params: Float32Array): Map<string, Float32Tensor> {
  const total = paramLayout(dims).total;
  if (params.length !== total) throw new ShapeError(`paramsToHF: ${params.length} parameters, the config needs ${total}`);
  const out = new Map<string, Float32Tensor>();
  for (const s of hfSlots(dims)) {
    const src = params.subarray(s.offset, s.offset + slotSize(s));
    let data = src;
    if (s.transpose) {
      // HF shape (in, out) = ours (out, in) transposed: our rows are s.shape[1].
      data = new Float32Array(src.length);
      transposeInto(data, src, s.shape[1], s.shape[0]);
    }
    out.set(s.name, { shape: s.shape, data });
  }
  return out;
}

/** A tensor to load: already float32, or a raw safetensors entry converted on demand. */
export type TensorInput = Float32Tensor | SafetensorsTensor;

function float32Of(t: TensorInput): Float32Array {
  return 'data' in t ? t.data : t.toFloat32();
}

/** Non-parameter buffers older HF GPT-2 checkpoints carry (the causal mask and its fill value). */
const BUFFER = /^h\.\d+\.attn\.(bias|masked_bias)$/;

/**
 * HF GPT-2 tensors → our flat parameter array. Accepts names with or without the `transformer.` prefix,
 * skips the `attn.bias` / `attn.masked_bias` buffers (without converting them: they may be boolean) and an
 * `lm_head.weight` equal to `wte` when the embeddings are tied. Every missing, unexpected or misshapen tensor
 * is reported at once in one FormatError naming `source`, as is a NaN or infinite weight (with the tensor and
 * the element's index) unless `allowNonFinite`.
 */
export function paramsFromHF(
  dims: ModelDims, tensors: ReadonlyMap<string, TensorInput>, source: string, options: { allowNonFinite?: boolean } = {},
): Float32Array {
  const params = new Float32Array(paramLayout(dims).total);
  writeParamsFromHF(dims, tensors, source, params, options);
  return params;
}

/** Where `writeParamsFromHF` puts each tensor (in our layout): one array, or a writer (e.g. into wasm memory). */
export type ParamSink = Float32Array | ((offset: number, data: Float32Array) => void);

/** The expected tensors of `dims` in layout order, each with its input; throws one FormatError listing every mismatch. */
function matchHFTensors(dims: ModelDims, tensors: ReadonlyMap<string, TensorInput>, source: string): { expected: Slot[]; byName: Map<string, TensorInput> } {
  const problems: string[] = [];
  const byName = new Map<string, TensorInput>();
  for (const [name, t] of tensors) {
    const bare = name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
    if (BUFFER.test(bare)) continue;
    // The head is not under the prefix; everything else is stored under it.
    const key = bare === 'lm_head.weight' ? bare : PREFIX + bare;
    if (byName.has(key)) problems.push(`${name}: present both with and without the "${PREFIX}" prefix`);
    byName.set(key, t);
  }

  const expected = hfSlots(dims);
  const wanted = new Set(expected.map((s) => s.name));
  for (const s of expected) {
    const t = byName.get(s.name);
    if (t === undefined) problems.push(`${s.name}: missing (expected shape [${s.shape.join(', ')}])`);
    else if (!sameShape(t.shape, s.shape)) problems.push(`${s.name}: shape [${t.shape.join(', ')}], expected [${s.shape.join(', ')}]`);
    else if ('data' in t && t.data.length !== slotSize(s)) problems.push(`${s.name}: ${t.data.length} values for shape [${s.shape.join(', ')}]`);
  }
  const head = byName.get('lm_head.weight');
  if (dims.tieEmbeddings && head !== undefined) {
    // A tied head saved anyway (some exporters do): fine when it really is wte, a config mismatch otherwise.
    const wte = [dims.vocabSize, dims.nEmbd];
    if (!sameShape(head.shape, wte)) {
      problems.push(`lm_head.weight: shape [${head.shape.join(', ')}], expected [${wte.join(', ')}] (tied to wte.weight)`);
    } else if (problems.length === 0 && !sameValues(float32Of(head), float32Of(byName.get(`${PREFIX}wte.weight`)!))) {
      problems.push('lm_head.weight: differs from wte.weight, but tie_word_embeddings is true (set it to false to load an untied head)');
    }
    wanted.add('lm_head.weight');
  }
  for (const name of byName.keys()) if (!wanted.has(name)) problems.push(`${name}: unexpected for this config`);
  if (problems.length > 0) {
    const shown = problems.slice(0, 12).join('\n  ');
    const more = problems.length > 12 ? `\n  … and ${problems.length - 12} more` : '';
    throw new FormatError(`${source}: tensors do not match the config (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n  ${shown}${more}`, { file: source });
  }

  return { expected, byName };
}

/**
 * `paramsFromHF` into `sink`: every name and shape is checked before the first tensor is converted or written,
 * so a mismatch writes nothing; a non-finite weight is found while writing (the sink then holds part of the
 * model, which the caller discards). With a writer, a model loads from the file's bytes with one copy and no
 * intermediate parameter array.
 */
export function writeParamsFromHF(
  dims: ModelDims, tensors: ReadonlyMap<string, TensorInput>, source: string, sink: ParamSink, options: { allowNonFinite?: boolean } = {},
): void {
  const { expected, byName } = matchHFTensors(dims, tensors, source);
  const nonFinite: string[] = [];
  const scratch = transposeScratch(expected);
  for (const s of expected) {
    const data = float32Of(byName.get(s.name)!);
    const n = slotSize(s);
    const bad = options.allowNonFinite === true ? -1 : firstNonFinite(data);
    if (bad >= 0) nonFinite.push(`${s.name}: element ${bad} is ${data[bad]}`);
    let values = data;
    if (s.transpose) {
      values = scratch.subarray(0, n);
      transposeInto(values, data, s.shape[0], s.shape[1]);
    }
    if (sink instanceof Float32Array) sink.set(values, s.offset);
    else sink(s.offset, values);
  }
  if (nonFinite.length > 0) throwNonFinite(source, nonFinite);
}

function throwNonFinite(source: string, nonFinite: string[]): never {
  throw new FormatError(
    `${source}: non-finite weights (the file is corrupted, or the model diverged; pass allowNonFinite to load it anyway):\n  ` +
      nonFinite.slice(0, 12).join('\n  ') + (nonFinite.length > 12 ? `\n  … and ${nonFinite.length - 12} more tensors` : ''),
    { file: source, key: nonFinite[0].slice(0, nonFinite[0].indexOf(':')) },
  );
}

/**
 * @internal `paramsFromHF` without a second copy of the weights, for a caller that owns the file's bytes and
 * will not read them again: when every tensor is F32 and the file holds them back to back in our layout's order
 * (as `saveCheckpoint` writes them), the parameters are a view of the file's data section, with the transposed
 * tensors turned back in place. Otherwise (a Hugging Face file, F16, extra tensors in between) `undefined`, and
 * nothing was modified. A non-finite weight throws as `paramsFromHF` does, after some tensors were turned: the
 * caller drops the bytes. On a machine where first touching fresh memory is slow (virtualised page tables), not
 * allocating and filling a second 500 MB array halves a GPT-2 checkpoint's load time.
 */
export function paramsFromHFInPlace(
  dims: ModelDims, tensors: ReadonlyMap<string, TensorInput>, source: string, options: { allowNonFinite?: boolean } = {},
): Float32Array | undefined {
  const { expected, byName } = matchHFTensors(dims, tensors, source);
  const total = paramLayout(dims).total;
  const first = byName.get(expected[0]?.name ?? '');
  if (first === undefined || !('bytes' in first)) return undefined;
  const base = first.bytes;
  if (base.byteOffset % 4 !== 0) return undefined;
  // Every tensor must sit exactly where our layout puts it, relative to the first; dtype F32 so the bytes are the values.
  for (const s of expected) {
    const t = byName.get(s.name)!;
    if (!('bytes' in t) || t.dtype !== 'F32' || t.bytes.buffer !== base.buffer) return undefined;
    if (t.bytes.byteOffset - base.byteOffset !== 4 * (s.offset - expected[0].offset)) return undefined;
  }
  const last = expected[expected.length - 1];
  if (expected[0].offset !== 0 || last.offset + slotSize(last) !== total || base.byteOffset + 4 * total > base.buffer.byteLength) return undefined;
  const params = new Float32Array(base.buffer, base.byteOffset, total);
  const nonFinite: string[] = [];
  const scratch = transposeScratch(expected);
  for (const s of expected) {
    const values = params.subarray(s.offset, s.offset + slotSize(s));
    const bad = options.allowNonFinite === true ? -1 : firstNonFinite(values);
    if (bad >= 0) nonFinite.push(`${s.name}: element ${bad} is ${values[bad]}`);
    if (s.transpose) {
      const hf = scratch.subarray(0, values.length);
      hf.set(values);
      transposeInto(values, hf, s.shape[0], s.shape[1]);
    }
  }
  if (nonFinite.length > 0) throwNonFinite(source, nonFinite);
  return params;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}
