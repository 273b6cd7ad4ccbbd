/** `wasm-gpt/worker`: GPT and Trainer in a worker (comlink), for Node and browsers. */
export { createWorker, GPTWorker, RemoteGPT, RemoteTrainer, type WorkerOptions, type NodeWorkerLike, type BrowserWorkerLike, type Client } from './client.js';
export type { WorkerModelOptions, ModelInfo, TrainerInfo, TrainerStatus } from './protocol.js';
export { WorkerError } from '../errors.js';
