/**
 * q8 checkpoints (a `QuantizedGPT` saved): the same files as a float32 checkpoint (see ./index.ts), with
 *
 *   config.json        GPT2Config keys plus  "quantization": { "quant_method": "wasm-gpt-q8", "bits": 8,
 *                      "block_size": 32, "scale_dtype": "float32", "weight_layout": "out_in" }
 *   model.safetensors  each quantized matrix (transformer.wte.weight, transformer.h.{i}.attn.c_attn.weight,
 *                      .attn.c_proj.weight, .mlp.c_fc.weight, .mlp.c_proj.weight, lm_head.weight when untied) as
 *                        <name>        I8   [out, in]        nn.Linear's orientation, not Conv1D's (in, out):
 *                                                            the blocks of 32 run along `in`
 *                        <name>_scale  F32  [out, in / 32]   value = int8 · scale
 *                      every other tensor F32 under its usual name and shape.
 *
 * Transformers cannot load these (its GPT-2 has no such quantization); wasm-gpt reads them back bit for bit.
 */
import { FormatError } from '../errors.js';
import { Q8_BLOCK, packQ8, q8Floats, unpackQ8 } from '../kernels/q8-layout.js';
import { q8Layout, type ModelDims } from '../model/layout.js';
import { hfSlots } from './hf-gpt2.js';
import { firstNonFinite, type SafetensorsTensor, type WritableTensor } from './safetensors.js';

/** config.json's "quantization" entry of a q8 checkpoint. */
export const Q8_QUANTIZATION = {
  quant_method: 'wasm-gpt-q8',
  bits: 8,
  block_size: Q8_BLOCK,
  scale_dtype: 'float32',
  weight_layout: 'out_in',
} as const;

/** 'q8' when a parsed config.json carries our quantization entry; undefined without one; FormatError for another. */
export function quantizationOf(config: unknown, source: string): 'q8' | undefined {
  const q = (config as Record<string, unknown> | null)?.quantization ?? (config as Record<string, unknown> | null)?.quantization_config;
  if (q === undefined || q === null) return undefined;
  const entry = q as Record<string, unknown>;
  for (const [key, want] of Object.entries(Q8_QUANTIZATION)) {
    if (entry[key] !== want) {
      throw new FormatError(
        `${source}: quantization.${key} is ${JSON.stringify(entry[key])}, expected ${JSON.stringify(want)} (wasm-gpt reads its own q8 checkpoints only)`,
        { file: source, key: `quantization.${key}` },
      );
    }
  }
  return 'q8';
}

/** The tensors of model.safetensors for q8 parameters `params` (laid out by `q8Layout(dims)`), in layout order. */
export function q8ParamsToTensors(dims: ModelDims, params: Float32Array): [string, WritableTensor][] {
  const layout = q8Layout(dims);
  const out: [string, WritableTensor][] = [];
  for (const s of hfSlots(dims)) {
    const t = layout.tensors.get(s.ours)!;
    const base = t.offset + s.layer * t.layerStride;
    if (t.quantized) {
      const [rows, cols] = t.shape.slice(-2);
      const { values, scales } = unpackQ8(params.subarray(base, base + q8Floats(rows, cols)), rows, cols);
      out.push([s.name, { shape: [rows, cols], data: values }], [`${s.name}_scale`, { shape: [rows, cols / Q8_BLOCK], data: scales }]);
    } else {
      const size = s.shape.reduce((a, b) => a * b, 1);
      out.push([s.name, { shape: s.shape, data: params.subarray(base, base + size) }]);
    }
  }
  return out;
}

/**
 * A q8 model.safetensors → `sink(offset, data)` calls writing every tensor into the `q8Layout(dims)` buffer.
 * Every name, dtype and shape is checked first (one FormatError listing all problems, nothing written); then
 * a non-finite scale or float weight is reported as float checkpoints report it, unless `allowNonFinite`.
 */
export function writeQ8Params(
  dims: ModelDims, tensors: ReadonlyMap<string, SafetensorsTensor>, source: string,
  sink: (offset: number, data: Float32Array) => void, options: { allowNonFinite?: boolean } = {},
): void {
  const layout = q8Layout(dims);
  const byName = new Map<string, SafetensorsTensor>();
  for (const [name, t] of tensors) byName.set(name.startsWith('lm_head.') || name.startsWith('transformer.') ? name : `transformer.${name}`, t);
  const problems: string[] = [];
  const wanted = new Set<string>();
  const expect = (name: string, dtypes: readonly string[], shape: number[]) => {
    wanted.add(name);
    const t = byName.get(name);
    if (t === undefined) problems.push(`${name}: missing (expected ${dtypes[0]} [${shape.join(', ')}])`);
    else if (!dtypes.includes(t.dtype)) problems.push(`${name}: dtype ${t.dtype}, expected ${dtypes.join(' or ')}`);
    else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) problems.push(`${name}: shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
  };
  const slots = hfSlots(dims);
  for (const s of slots) {
    const t = layout.tensors.get(s.ours)!;
    if (t.quantized) {
      const [rows, cols] = t.shape.slice(-2);
      expect(s.name, ['I8'], [rows, cols]);
      expect(`${s.name}_scale`, ['F32'], [rows, cols / Q8_BLOCK]);
    } else {
      expect(s.name, ['F32', 'F16', 'BF16'], s.shape);
    }
  }
  for (const name of byName.keys()) if (!wanted.has(name)) problems.push(`${name}: unexpected for this config`);
  if (problems.length > 0) {
    throw new FormatError(
      `${source}: tensors do not match the q8 config (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n  ${problems.slice(0, 12).join('\n  ')}` +
        (problems.length > 12 ? `\n  … and ${problems.length - 12} more` : ''),
      { file: source },
    );
  }
  const nonFinite: string[] = [];
  for (const s of slots) {
    const t = layout.tensors.get(s.ours)!;
    const base = t.offset + s.layer * t.layerStride;
    let data: Float32Array;
    if (t.quantized) {
      const [rows, cols] = t.shape.slice(-2);
      const v = byName.get(s.name)!.bytes;
      const scales = byName.get(`${s.name}_scale`)!.toFloat32();
      const bad = options.allowNonFinite === true ? -1 : firstNonFinite(scales);
      if (bad >= 0) nonFinite.push(`${s.name}_scale: element ${bad} is ${scales[bad]}`);
      data = new Float32Array(q8Floats(rows, cols));
      packQ8(data, new Int8Array(v.buffer, v.byteOffset, v.byteLength), scales, rows, cols);
    } else {
      data = byName.get(s.name)!.toFloat32();
      const bad = options.allowNonFinite === true ? -1 : firstNonFinite(data);
      if (bad >= 0) nonFinite.push(`${s.name}: element ${bad} is ${data[bad]}`);
    }
    sink(base, data);
  }
  if (nonFinite.length > 0) {
    throw new FormatError(`${source}: non-finite weights (pass allowNonFinite to load them anyway):\n  ${nonFinite.slice(0, 12).join('\n  ')}`, {
      file: source, key: nonFinite[0].slice(0, nonFinite[0].indexOf(':')),
    });
  }
}
