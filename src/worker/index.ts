/** `wasm-gpt/worker`: GPT, Trainer and Sampler in a worker (comlink), for Node and browsers. */
export { createWorker, GPTWorker, RemoteGPT, RemoteTrainer, RemoteSampler, type WorkerOptions, type NodeWorkerLike, type BrowserWorkerLike, type Client } from './client.js';
export type { WorkerModelOptions, ModelInfo, TrainerInfo, TrainerStatus, SamplerInfo } from './protocol.js';
export { WorkerError } from '../errors.js';
