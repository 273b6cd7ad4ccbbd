/**
 * `QuantizedGPT`: a GPT whose weight matrices are int8 blocks (q8: 32 values along the input dimension with
 * one float scale, llama.cpp's Q8_0), for inference. It is a separate, inference-only model rather than a
 * mode of `GPT`: a `GPT` trains, and training needs float32 weights (and gradients and moments of the
 * same shape), so keeping the two apart means no method of either has to refuse half its arguments.
 * `Sampler` and `InferenceSession` take either.
 *
 * Memory: the matrices take 9/32 of their float32 bytes (1 byte per value + a 4-byte scale per 32);
 * positions, LayerNorms and biases stay float32. GPT-2 124M: 498 MB float32 → 140 MB q8.
 */
import { ConfigError, DisposedError, ShapeError } from '../errors.js';
import type { Kernels } from '../kernels/types.js';
import { decodeCheckpointParts, encodeQ8Checkpoint, type CheckpointParts, type DecodeOptions } from '../checkpoint/index.js';
import type { CheckpointExtras } from '../checkpoint/hf-files.js';
import { writeParamsFromHF } from '../checkpoint/hf-gpt2.js';
import { writeQ8Params } from '../checkpoint/q8.js';
import { q8Floats } from '../kernels/q8-layout.js';
import { resolveConfig, type GPTConfig } from './config.js';
import { checkOptions, kernelsFor, readPretrained, type FromPretrainedOptions, type GPTOptions } from './gpt.js';
import type { GenerateOptions } from '../sampler/options.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { paramLayout, q8Layout, type ParamLayout } from './layout.js';
import { checkMemory } from './memory.js';

type AnyKernels = Kernels<unknown, unknown>;

/** Throws `ShapeError` unless the model's matrices split into blocks of 32 along their input dimension. */
export function checkQuantizable(config: GPTConfig, what: string): void {
  if (config.nEmbd % 32 !== 0) {
    throw new ShapeError(
      `${what}: q8 needs nEmbd to be a multiple of 32 (its blocks of 32 run along every linear layer's input), ` +
        `this model has nEmbd ${config.nEmbd}; padding is not done`,
    );
  }
}

export class QuantizedGPT {
  /** How the weight matrices are held. */
  readonly dtype = 'q8' as const;
  readonly config: GPTConfig;
  readonly kernels: AnyKernels;
  /** Flat parameter buffer in `layout` order, resident on the backend (pass to kernels, not to user code). */
  readonly params: unknown;
  readonly layout: ParamLayout;
  #disposed = false;

  private constructor(config: GPTConfig, kernels: AnyKernels) {
    checkQuantizable(config, 'QuantizedGPT');
    this.config = config;
    this.kernels = kernels;
    this.layout = q8Layout(config);
    this.params = kernels.alloc(this.layout.total);
  }

  /**
   * @internal Quantizes float32 parameters (`paramLayout(config)` order, in `kernels`' memory) into a new model;
   * the float32 buffer is only read. Use `gpt.quantize('q8')`.
   */
  static fromFloat(config: GPTConfig, kernels: AnyKernels, params: unknown): QuantizedGPT {
    const q = new QuantizedGPT(config, kernels);
    const k = kernels;
    const from = paramLayout(config);
    for (const t of q.layout.tensors.values()) {
      const src = from.tensors.get(t.name)!; // same names by construction
      if (t.quantized) {
        const [rows, cols] = t.shape.slice(-2);
        const layers = t.layerStride > 0 ? t.shape[0] : 1;
        for (let l = 0; l < layers; l++) {
          k.quantizeQ8(
            k.view(q.params, t.offset + l * t.layerStride, t.layerStride || t.size),
            k.view(params, src.offset + l * src.layerStride, rows * cols),
            rows,
            cols,
          );
        }
      } else {
        k.write(k.view(q.params, t.offset, t.size), k.read(k.view(params, src.offset, src.size)));
      }
    }
    return q;
  }

  /**
   * A q8 model from checkpoint files: a q8 checkpoint (`toCheckpoint` output) loads as saved; a float32 one
   * (ours, or Hugging Face GPT-2's F32/F16/BF16 files) is quantized while it loads, one tensor at a time
   * through a scratch of 256 rows, so the float32 weights never exist in memory as a whole besides the file.
   */
  static async fromCheckpoint(
    files: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array>, options: GPTOptions & DecodeOptions = {},
  ): Promise<QuantizedGPT> {
    const { allowNonFinite, ...modelOptions } = options;
    return QuantizedGPT.fromCheckpointParts(decodeCheckpointParts(files, 'checkpoint', { allowNonFinite }), modelOptions, { allowNonFinite });
  }

  /**
   * `GPT.fromPretrained` quantizing while loading (or a q8 folder as saved): a Hub-layout GPT-2 folder (URL,
   * or a directory in Node) → `{ model, tokenizer, generationConfig }` with a q8 model. In a browser the
   * download is the only float32 copy; wasm memory holds the q8 weights and a scratch of 256 rows.
   */
  static async fromPretrained(
    source: string | URL, options: FromPretrainedOptions = {},
  ): Promise<{ model: QuantizedGPT; tokenizer: Tokenizer | undefined; generationConfig: GenerateOptions }> {
    const { parts, extras, gptOptions } = await readPretrained(source, options);
    const model = await QuantizedGPT.fromCheckpointParts(parts, gptOptions, {});
    return { model, tokenizer: extras.tokenizer, generationConfig: extras.generationConfig };
  }

  /** @internal `fromCheckpoint` from checked parts (the Node loader's entry). */
  static async fromCheckpointParts(parts: CheckpointParts, options: GPTOptions, decode: DecodeOptions): Promise<QuantizedGPT> {
    checkOptions(options);
    const resolved = resolveConfig(parts.dims);
    checkQuantizable(resolved, parts.modelFile);
    const kernels = await kernelsFor(options);
    checkMemory(resolved, 1, 1, false);
    const q = new QuantizedGPT(resolved, kernels);
    const k = kernels;
    try {
      if (parts.quantization === 'q8') {
        writeQ8Params(resolved, parts.tensors, parts.modelFile, (offset, data) => k.write(q.params, data, offset), decode);
      } else {
        // Float32 tensors arrive at their float32-layout offsets: find the tensor and layer, quantize by chunks.
        const from = [...paramLayout(resolved).tensors.values()];
        const C = resolved.nEmbd;
        const chunkRows = 256;
        const scratch = k.alloc(chunkRows * 4 * C);
        try {
          writeParamsFromHF(resolved, parts.tensors, parts.modelFile, (offset, data) => {
            const src = from.find((t) => offset >= t.offset && offset < t.offset + t.size)!;
            const dst = q.layout.tensors.get(src.name)!;
            const layer = src.layerStride > 0 ? (offset - src.offset) / src.layerStride : 0;
            if (!dst.quantized) {
              k.write(q.params, data, dst.offset + (offset - src.offset));
              return;
            }
            const [rows, cols] = dst.shape.slice(-2);
            const base = dst.offset + layer * dst.layerStride;
            for (let r0 = 0; r0 < rows; r0 += chunkRows) {
              const n = Math.min(chunkRows, rows - r0);
              k.write(scratch, data.subarray(r0 * cols, (r0 + n) * cols));
              // r0 is a multiple of 4, so the chunk's records are contiguous in the q8 tensor.
              k.quantizeQ8(k.view(q.params, base + q8Floats(r0, cols), q8Floats(n, cols)), k.view(scratch, 0, n * cols), n, cols);
            }
          }, decode);
        } finally {
          k.free(scratch);
        }
      }
    } catch (e) {
      q.dispose();
      throw e;
    }
    return q;
  }

  /**
   * The checkpoint files as bytes: config.json with a `quantization` entry and model.safetensors with int8
   * matrices and float32 scales (src/checkpoint/q8.ts), plus generation_config.json and, with `{ tokenizer }`,
   * the tokenizer files. Loads back bit for bit with `QuantizedGPT.fromCheckpoint`; not with transformers.
   */
  toCheckpoint(extras: CheckpointExtras = {}): Map<string, Uint8Array> {
    this.#live();
    return encodeQ8Checkpoint(this.config, this.kernels.read(this.params), extras);
  }

  get backend(): 'wasm' | 'js' {
    return this.kernels.backend;
  }

  /** Parameters of the float32 model this stands for (tied embeddings counted once). */
  get parameterCount(): number {
    return paramLayout(this.config).total;
  }

  /** Bytes the parameters occupy on the backend. */
  get byteLength(): number {
    return this.layout.total * 4;
  }

  /**
   * The float32 parameters these weights stand for (each matrix dequantized), in `paramLayout(config)`
   * order: what `GPT.fromParameters` takes.
   */
  dequantize(): Float32Array {
    this.#live();
    const k = this.kernels;
    const to = paramLayout(this.config);
    const out = new Float32Array(to.total);
    for (const t of this.layout.tensors.values()) {
      const dst = to.tensors.get(t.name)!;
      if (t.quantized) {
        const [rows, cols] = t.shape.slice(-2);
        const layers = t.layerStride > 0 ? t.shape[0] : 1;
        const scratch = k.alloc(rows * cols);
        for (let l = 0; l < layers; l++) {
          k.dequantizeQ8(scratch, k.view(this.params, t.offset + l * t.layerStride, t.layerStride || t.size), rows, cols);
          out.set(k.read(scratch), dst.offset + l * rows * cols);
        }
        k.free(scratch);
      } else {
        out.set(k.read(k.view(this.params, t.offset, t.size)), dst.offset);
      }
    }
    return out;
  }

  /** Releases the backend buffer. The model is unusable afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.kernels.free(this.params);
    this.#disposed = true;
  }

  #live(): void {
    if (this.#disposed) throw new DisposedError('QuantizedGPT: this model was disposed');
  }
}

/** Throws the error training a quantized model gets. */
export function refuseQuantized(model: unknown, what: string): void {
  if (model instanceof QuantizedGPT) {
    throw new ConfigError('model', `${what}: a q8-quantized model is inference-only; train the float32 GPT and quantize it afterwards`);
  }
}
