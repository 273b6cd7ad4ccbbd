export { initWasm, type InitOptions } from './wasm/loader.js';
export { WasmCore, WasmF32Array, WasmI32Array, type Capabilities } from './wasm/core.js';
export { GEMM_KERNEL_NAMES, type GemmKernelName, type GemmKernelProbe } from './wasm/gemm-kernels.js';
export type { ArtifactName } from './wasm/artifacts.js';
export type { MatmulOptions, GemmOptions } from './gemm/args.js';
export { matmulJs, gemmJs } from './gemm/js.js';
export { WasmGptError, WasmRuntimeError, ShapeError, FormatError, TokenizerError, ConfigError, MemoryLimitError, NonFiniteError, WorkerError, DisposedError, CheckpointBusyError } from './errors.js';
export * from './tokenizer/index.js';
export * from './data/index.js';
export { createWasmKernels, createJsKernels, dropoutUniform, type Kernels, type WasmKernels, type JsKernels } from './kernels/index.js';
export { GPT, type GPTOptions, type FromPretrainedOptions, type Pretrained } from './model/gpt.js';
export { QuantizedGPT } from './model/quantized.js';
export type { WeightDtype } from './model/layout.js';
export { clearPretrainedCache, type DownloadProgress } from './checkpoint/pretrained.js';
export { resolveConfig, PRESETS, GPT_DEFAULTS, type GPTConfig, type GPTConfigInput, type PresetName } from './model/config.js';
export { INIT_SCHEMES, type InitScheme } from './model/init.js';
export { estimateMemory, type MemoryEstimate } from './model/memory.js';
export { Trainer, type TrainerOptions, type StepInfo, type EvalInfo, type TrainEvent, type RunOptions, type TrainOptions, type TrainSummary, type TrainerState, type TrainerStateMeta } from './train/trainer.js';
export { learningRate, validateSchedule, type ScheduleSpec } from './train/schedule.js';
export {
  encodeCheckpoint, decodeCheckpoint, saveCheckpointOPFS, loadCheckpointOPFS, configToHF, configFromHF, paramsToHF,
  paramsFromHF, readSafetensors, writeSafetensors, type Checkpoint, type TrainingState, type DecodeOptions, type HFGPT2Config,
  type CheckpointExtras, type SaveCheckpointOptions,
} from './checkpoint/index.js';
export * from './sampler/index.js';
export { InferenceSession, kvCacheFloats, type InferenceOptions } from './model/inference.js';
