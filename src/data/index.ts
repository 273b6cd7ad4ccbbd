// Browser-safe data pipeline. File helpers for Node, and the Moby-Dick corpus (an optional package a bundler
// could not resolve), live in ./node-shards.js.
export {
  SHARD_HEADER_BYTES,
  SHARD_MAGIC,
  SHARD_VERSION,
  decodeShard,
  decodeShardHeader,
  encodeShard,
  encodeShardHeader,
  memoryShardSink,
  prepareShards,
  prepareShardsInMemory,
  shardDtypeFor,
} from './shards.js';
export type {
  CorpusDocument,
  CorpusSource,
  PrepareProgress,
  PrepareShardsOptions,
  PrepareShardsResult,
  ShardDtype,
  ShardHeader,
  ShardSink,
  ShardTokens,
} from './shards.js';
export { BatchLoader } from './loader.js';
export type { Batch, BatchLoaderOptions, BatchLoaderState, TokenIds } from './loader.js';
export { SeededRng } from './rng.js';
export type { RngState } from './rng.js';
