/** `wasm-gpt/worker`: GPT, Trainer and Sampler in a worker (comlink), for Node and browsers. */
export { createWorker, type WorkerOptions, type NodeWorkerLike, type BrowserWorkerLike } from './spawn.js';
export { GPTWorker } from './remote-worker.js';
export { RemoteGPT, RemoteQuantizedGPT } from './remote-gpt.js';
export { RemoteTrainer } from './remote-trainer.js';
export { RemoteSampler } from './remote-sampler.js';
export type { Client } from './link.js';
export type { WorkerModelOptions, ModelInfo, TrainerInfo, TrainerStatus, SamplerInfo, QuantizedModelInfo } from './protocol.js';
export { WorkerError } from '../errors.js';
