/**
 * Saving survives kill -9: a child process saves two alternating checkpoints into one directory as fast as it
 * can and is killed with SIGKILL at seeded random moments; after every kill the directory loads (checksums
 * verified) as exactly one of the two, and the next save takes over the dead process's lock. A second process
 * saving into a directory whose lock a live process holds is refused with CheckpointBusyError and changes nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpointDir, saveCheckpointDir } from '../dist/checkpoint/node.js';
import { CheckpointBusyError } from '../dist/index.js';
import { paramLayout } from '../dist/model/layout.js';
import { resolveConfig } from '../dist/model/config.js';

const DIMS = resolveConfig({ vocabSize: 512, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 64 });
const N = paramLayout(DIMS).total;
/** Checkpoint k (0 or 1) has every weight equal to k + 1 and its own layerNormEps, so a mix is visible. */
const EPS = [1e-5, 2e-5];

/** A process that saves checkpoint 0, 1, 0, 1, ... into `dir` until killed, printing "saved k" after each. */
function saver(dir: string): ChildProcess {
  const code = `
    import { saveCheckpointDir } from ${JSON.stringify(new URL('../dist/checkpoint/node.js', import.meta.url).href)};
    const dims = ${JSON.stringify(DIMS)};
    const eps = ${JSON.stringify(EPS)};
    for (let i = 0; ; i++) {
      const k = i % 2;
      await saveCheckpointDir(${JSON.stringify(dir)}, { ...dims, layerNormEps: eps[k] }, new Float32Array(${N}).fill(k + 1));
      process.stdout.write('saved ' + k + '\\n');
    }`;
  return spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function waitForSaves(child: ChildProcess, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    child.stdout!.on('data', (d: Buffer) => {
      seen += d.toString().split('saved').length - 1;
      if (seen >= count) resolve();
    });
    child.on('exit', (code) => reject(new Error(`saver exited with ${code} after ${seen} saves`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Which checkpoint the directory holds; fails on anything else (a mix, a torn file, a missing directory). */
async function which(dir: string): Promise<number> {
  const ck = await loadCheckpointDir(dir);
  const k = EPS.indexOf(ck.dims.layerNormEps);
  expect(k).toBeGreaterThanOrEqual(0);
  expect(ck.params.every((x) => x === k + 1)).toBe(true);
  return k;
}

let seed = 12345;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

const roots: string[] = [];
afterAll(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

describe('checkpoint saves under kill -9', () => {
  it('after every SIGKILL mid-save the directory loads as one whole checkpoint, and the next save takes the dead lock', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wasm-gpt-kill-'));
    roots.push(root);
    const dir = join(root, 'ckpt');
    let midSave = 0;
    for (let round = 0; round < 10; round++) {
      const child = saver(dir);
      await waitForSaves(child, 1);
      // A seeded moment inside the next few saves (one takes a few ms here).
      await new Promise((r) => setTimeout(r, random() * 40));
      await killed(child);
      // The kill landed inside a save when its debris is there (the next save or load clears it).
      if ((await readdir(root)).some((n) => n !== 'ckpt')) midSave++;
      await which(dir);
    }
    expect(midSave).toBeGreaterThan(0);
    // A lock left by the last killed saver does not block this save: its process is gone.
    await saveCheckpointDir(dir, { ...DIMS, layerNormEps: EPS[1] }, new Float32Array(N).fill(2));
    expect(await which(dir)).toBe(1);
  }, 60_000);

  it('a save while another live process holds the directory\'s lock is refused and changes nothing', async () => {
    // Deterministic, not a race with a busy saver: a live process is named as the lock's owner, as a save in
    // progress would leave it; once that process is gone the same save takes the lock over.
    const root = await mkdtemp(join(tmpdir(), 'wasm-gpt-lock-'));
    roots.push(root);
    const dir = join(root, 'ckpt');
    await saveCheckpointDir(dir, { ...DIMS, layerNormEps: EPS[0] }, new Float32Array(N).fill(1));
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await writeFile(`${dir}.lock`, `${JSON.stringify({ pid: holder.pid, host: hostname() })}\nheld-by-test`);
      const attempt = saveCheckpointDir(dir, { ...DIMS, layerNormEps: 3e-5 }, new Float32Array(N).fill(9));
      await expect(attempt).rejects.toBeInstanceOf(CheckpointBusyError);
      await expect(attempt).rejects.toThrow(/ckpt: process \d+ on .* is saving into it \(lock .*ckpt\.lock\); nothing was written/);
      expect(await which(dir)).toBe(0);
    } finally {
      await killed(holder);
    }
    await saveCheckpointDir(dir, { ...DIMS, layerNormEps: 3e-5 }, new Float32Array(N).fill(9));
    const ck = await loadCheckpointDir(dir);
    expect(ck.dims.layerNormEps).toBe(3e-5);
    expect(new Set(ck.params)).toEqual(new Set([9]));
    expect(existsSync(`${dir}.lock`)).toBe(false);
  }, 60_000);
});
