import { availableParallelism, cpus } from 'node:os';
import { loadCheckpointDir } from '../../checkpoint/node.js';
import { estimateMemory } from '../../model/memory.js';
import { paramLayout } from '../../model/layout.js';
import { initWasm } from '../../wasm/loader.js';
import type { TrainerStateMeta } from '../../train/trainer.js';
import { type Command, type ParsedArgs } from '../args.js';
import type { CheckpointMeta } from '../run.js';

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export const infoCommand: Command = {
  name: 'info',
  summary: 'show what this machine runs (SIMD, threads, artifact, cores) and, given a checkpoint, its model',
  usage: 'wasm-gpt info [--checkpoint DIR] [--threads N] [--json]',
  flags: {
    checkpoint: { type: 'string', short: 'c', value: 'DIR', help: 'Also describe this checkpoint: config, parameter count, training step' },
    threads: { type: 'string', value: 'N', help: 'Threads to ask the wasm core for (default: all cores)' },
    json: { type: 'boolean', help: 'Print one JSON object instead of text' },
  },
  async run(args: ParsedArgs) {
    const threads = args.int('threads', 1, 256);
    const dir = args.string('checkpoint');
    const core = await initWasm({ threads });
    const caps = core.capabilities();
    await core.terminate();
    const info: Record<string, unknown> = {
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: availableParallelism(),
      wasm: caps,
    };
    if (dir !== undefined) {
      const ckpt = await loadCheckpointDir(dir);
      const meta = ckpt.state?.meta as Partial<CheckpointMeta> | undefined;
      const trainer = meta?.trainer as TrainerStateMeta | undefined;
      info.checkpoint = {
        dir,
        config: ckpt.dims,
        parameters: paramLayout(ckpt.dims).total,
        inferenceMemoryBytes: estimateMemory(ckpt.dims, 1, ckpt.dims.blockSize, false).total,
        step: trainer?.step,
        trainingState: ckpt.state !== undefined,
      };
    }
    if (args.flag('json')) {
      console.log(JSON.stringify(info, null, 2));
      return;
    }
    console.log(`node ${info.node} on ${info.platform}, ${info.cpu}, ${info.cores} cores`);
    console.log(`wasm: artifact ${caps.artifact}, SIMD ${caps.simd ? (caps.relaxedSimd ? 'yes, relaxed' : 'yes') : 'no'}, threads ${caps.threads ? `yes (${caps.threadCount})` : 'no (1)'}, shared memory ${caps.sharedMemory ? 'yes' : 'no'}`);
    console.log(`      ${caps.reason}`);
    const c = info.checkpoint as { config: Record<string, unknown>; parameters: number; inferenceMemoryBytes: number; step?: number; trainingState: boolean } | undefined;
    if (c !== undefined) {
      console.log(`checkpoint ${dir}:`);
      for (const [k, v] of Object.entries(c.config)) console.log(`  ${k.padEnd(14)} ${String(v)}`);
      console.log(`  ${'parameters'.padEnd(14)} ${c.parameters.toLocaleString('en-US')} (${mib(c.parameters * 4)} as float32)`);
      console.log(`  ${'inference'.padEnd(14)} ~${mib(c.inferenceMemoryBytes)} at batch 1 × ${c.config.blockSize} tokens`);
      console.log(`  ${'trained'.padEnd(14)} ${c.step === undefined ? (c.trainingState ? 'yes' : 'no training state (weights only)') : `${c.step} steps`}`);
    }
  },
};
