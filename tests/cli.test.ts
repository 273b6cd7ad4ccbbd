/**
 * The `wasm-gpt` CLI and the `npm start` demo, run as child processes on dist/ (as a user runs them): help,
 * usage errors and exit codes, prepare → train → resume → sample → info on a small text, Ctrl-C during
 * training, and the demo's --quick path.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMobyDick } from '../dist/data/node-shards.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');
let dir: string;

function run(args: string[], options: { timeout?: number } = {}) {
  const res = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: options.timeout ?? 60_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** A model small enough that a step takes milliseconds; one thread keeps the test's share of the machine small. */
const TOY = ['--n-layer', '1', '--n-head', '2', '--n-embd', '32', '--block-size', '32', '--batch-size', '4', '--threads', '1', '--no-progress'];

function trainingMeta(ckpt: string): { trainer: { step: number }; run: { history: { train: [number, number][]; val: [number, number][] }; settings: Record<string, unknown> } } {
  return JSON.parse(readFileSync(join(dir, ckpt, 'training_state.json'), 'utf8')).meta;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-gpt-cli-'));
  writeFileSync(join(dir, 'book.txt'), (await loadMobyDick()).slice(30_000, 70_000));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wasm-gpt --help', () => {
  it('lists every command', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['prepare', 'train', 'sample', 'bench', 'info']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it.each(['prepare', 'train', 'sample', 'bench', 'info'])('%s --help describes its flags and exits 0', (command) => {
    const r = run([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^wasm-gpt ${command}: `));
    expect(r.stdout).toContain('Usage: wasm-gpt');
    expect(r.stdout).toMatch(/^ {2}-h, --help/m);
  });

  it('train --help names the schedule, resume and time-budget flags', () => {
    const r = run(['train', '--help']);
    for (const flag of ['--schedule KIND', '--resume DIR', '--time DURATION', '--grad-accum N', '--eval-interval N', '--warmup N', '--seed N']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(run(['--version']).stdout.trim()).toBe(pkg.version);
  });
});

describe('usage errors: one line on stderr, exit code 2', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown command', ['frobnicate'], /^wasm-gpt: unknown command "frobnicate"/],
    ['unknown flag', ['train', '--bogus'], /^wasm-gpt train: unknown flag --bogus/],
    ['missing value', ['prepare', 'book.txt', '--out'], /^wasm-gpt prepare: --out needs a value/],
    ['value swallowed by the next flag', ['prepare', 'book.txt', '--out', '--tokenizer', 'char'], /--out needs a value/],
    ['non-integer', ['train', '--data', 'x', '--steps', '2.5'], /--steps must be an integer ≥ 1, got "2.5"/],
    ['bad duration', ['train', '--data', 'x', '--time', 'soon'], /--time must be a positive duration/],
    ['bad choice', ['prepare', 'book.txt', '--out', 'd', '--tokenizer', 'wordpiece'], /--tokenizer must be one of bpe, char, got "wordpiece"/],
    ['out of range', ['sample', '-c', 'x', '--top-p', '1.5'], /--top-p must be a number in \(0, 1\], got "1.5"/],
    ['contradiction', ['sample', '-c', 'x', '--beams', '3', '--top-k', '5'], /--top-k does not apply to beam search/],
    ['switch with a value', ['info', '--json=yes'], /--json is a switch and takes no value/],
    ['nothing to do', ['train', '--data', 'x'], /give --steps N, --time DURATION, or both/],
    ['stray argument', ['info', 'extra'], /unexpected argument "extra"/],
  ];
  it.each(cases)('%s', (_name, args, message) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a library ConfigError from a flag value is a usage error too', () => {
    expect(run(['prepare', 'book.txt', '--out', 'data', '--vocab-size', '300', '--split-block', '256']).code).toBe(0);
    const r = run(['train', '--data', 'data', '--steps', '1', '--n-embd', '30', '--n-head', '4', '--threads', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^wasm-gpt train: GPTConfig\.nEmbd \(30\) must be divisible by nHead \(4\)/);
  });

  it('a missing file is a runtime error: exit 1, one line naming it', () => {
    const r = run(['sample', '-c', 'no-such-checkpoint']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^wasm-gpt sample: FormatError: .*no-such-checkpoint: no checkpoint directory there\n$/);
  });
});

describe('prepare → train → resume → sample → info', () => {
  it('prepare writes a tokenizer and shards', () => {
    const r = run(['prepare', 'book.txt', '--out', 'data', '--vocab-size', '300', '--split-block', '256']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tokenizer: byte-level-bpe, 300 ids/);
    const counts = /→ (\d+) train \+ (\d+) val tokens/.exec(r.stdout);
    expect(Number(counts?.[1])).toBeGreaterThan(10 * Number(counts?.[2]) * 0.8);
    for (const f of ['tokenizer.json', 'vocab.json', 'merges.txt', 'train.bin', 'val.bin']) expect(existsSync(join(dir, 'data', f))).toBe(true);
  });

  it('train runs its steps, evaluates, saves a checkpoint and a loss curve', () => {
    // A constant schedule (after warmup) so that extending the run on resume keeps every step's learning rate.
    const r = run(['train', '--data', 'data', '--out', 'ckpt', ...TOY, '--steps', '6', '--eval-interval', '3', '--eval-batches', '2', '--lr', '3e-3', '--schedule', 'constant', '--warmup', '2', '--log-interval', '1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^step 6\/6 \| loss \d+\.\d{4} \| val \d+\.\d{4} \| \d+(\.\d)?k? tok\/s \| ETA \d+s$/m);
    expect(r.stdout).not.toContain('\r');
    expect(r.stdout).toMatch(/done at step 6: loss/);
    for (const f of ['config.json', 'model.safetensors', 'training_state.json', 'training_state.safetensors', 'tokenizer.json', 'loss.svg']) {
      expect(existsSync(join(dir, 'ckpt', f)), f).toBe(true);
    }
    const meta = trainingMeta('ckpt');
    expect(meta.trainer.step).toBe(6);
    expect(meta.run.history.train.map(([s]) => s)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(meta.run.history.val.map(([s]) => s)).toEqual([3, 6]);
    const svg = readFileSync(join(dir, 'ckpt', 'loss.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.match(/<circle /g)).toHaveLength(2);
  });

  it('resume continues the step count and the loss history, bitwise as one longer run', () => {
    const r = run(['train', '--resume', 'ckpt', '--steps', '9', '--no-progress', '--threads', '1', '--log-interval', '1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/resuming at step 6/);
    expect(r.stdout).toMatch(/^step 7\/9 /m);
    expect(r.stdout).toMatch(/done at step 9/);
    const resumed = trainingMeta('ckpt');
    expect(resumed.trainer.step).toBe(9);
    expect(resumed.run.history.train.map(([s]) => s)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const straight = run(['train', '--data', 'data', '--out', 'straight', ...TOY, '--steps', '9', '--eval-interval', '3', '--eval-batches', '2', '--lr', '3e-3', '--schedule', 'constant', '--warmup', '2']);
    expect(straight.code).toBe(0);
    expect(trainingMeta('straight').run.history.train).toEqual(resumed.run.history.train);
    expect(readFileSync(join(dir, 'straight', 'model.safetensors')).equals(readFileSync(join(dir, 'ckpt', 'model.safetensors')))).toBe(true);
  });

  it('resume refuses a step target it has already passed', () => {
    const r = run(['train', '--resume', 'ckpt', '--steps', '4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--steps 4 is not beyond the checkpoint's step 9/);
  });

  it('sample streams a continuation of the prompt; the same seed gives the same text', () => {
    const args = ['sample', '-c', 'ckpt', '-p', 'The whale', '-n', '12', '--top-k', '20', '--top-p', '0.95', '-t', '0.9', '--seed', '7', '--threads', '1'];
    const a = run(args);
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout.startsWith('The whale')).toBe(true);
    expect(a.stdout.length).toBeGreaterThan('The whale'.length + 5);
    expect(run(args).stdout).toBe(a.stdout);
    const greedy = run(['sample', '-c', 'ckpt', '-p', 'The whale', '-n', '8', '--greedy', '--threads', '1']);
    const beams = run(['sample', '-c', 'ckpt', '-p', 'The whale', '-n', '8', '--beams', '3', '--threads', '1']);
    expect(greedy.code).toBe(0);
    expect(beams.code).toBe(0);
    expect(beams.stdout.startsWith('The whale')).toBe(true);
  });

  it('sample stops before a stop string', () => {
    const free = run(['sample', '-c', 'ckpt', '-p', 'The', '-n', '30', '--seed', '3', '--threads', '1']).stdout;
    const generated = free.slice('The'.length).trimEnd();
    const stop = generated.slice(6, 8);
    expect(stop.length).toBe(2);
    const r = run(['sample', '-c', 'ckpt', '-p', 'The', '-n', '30', '--seed', '3', '--stop', stop, '--threads', '1']);
    expect(r.code).toBe(0);
    const cut = r.stdout.slice('The'.length).replace(/\n$/, '');
    expect(cut).toBe(generated.slice(0, generated.indexOf(stop)));
  });

  it('info reports capabilities and the checkpoint config and parameter count', () => {
    const r = run(['info', '-c', 'ckpt', '--json', '--threads', '2']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.wasm.simd).toBe(true);
    expect(info.wasm.artifact).toBe('threads-simd');
    expect(info.wasm.threadCount).toBe(2);
    expect(info.cores).toBeGreaterThanOrEqual(1);
    expect(info.checkpoint.config).toMatchObject({ vocabSize: 300, blockSize: 32, nLayer: 1, nHead: 2, nEmbd: 32 });
    // wte 300·32 + wpe 32·32 + block (2·2·32 LN + 32·96+96 qkv + 32·32+32 proj + 32·128+128 fc + 128·32+32 proj) + ln_f 2·32
    expect(info.checkpoint.parameters).toBe(300 * 32 + 32 * 32 + (4 * 32 + 32 * 96 + 96 + 32 * 32 + 32 + 32 * 128 + 128 + 128 * 32 + 32) + 2 * 32);
    expect(info.checkpoint.step).toBe(9);
    const text = run(['info', '-c', 'ckpt', '--threads', '1']);
    expect(text.stdout).toMatch(/wasm: artifact \w[\w-]*, SIMD yes/);
    expect(text.stdout).toMatch(/parameters +23,392/);
  });

  it('bench --list names the benchmarks in bench/', () => {
    const r = run(['bench', '--list']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toContain('train-step');
    expect(run(['bench', 'nope']).stderr).toMatch(/unknown benchmark "nope"/);
  });

  it('Ctrl-C during train saves a checkpoint at the step reached and exits 130', async () => {
    const child = spawn(process.execPath, [cli, 'train', '--data', 'data', '--out', 'interrupted', ...TOY, '--steps', '100000', '--log-interval', '1', '--eval-interval', '0'], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        if (/^step +3\//m.test(stdout) && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c));
      setTimeout(() => child.kill('SIGKILL'), 50_000);
    });
    expect(stderr).toBe('');
    expect(code).toBe(130);
    expect(stdout).toMatch(/interrupt: finishing this step and saving the checkpoint/);
    const reached = Number(/interrupted at step (\d+)/.exec(stdout)?.[1]);
    expect(reached).toBeGreaterThanOrEqual(3);
    expect(reached).toBeLessThan(100000);
    expect(trainingMeta('interrupted').trainer.step).toBe(reached);
  });
});

describe('npm start', () => {
  it('--quick runs the whole demo in seconds: data, training, checkpoint, loss curve, four samples', () => {
    const res = spawnSync(process.execPath, [join(root, 'scripts', 'start.mjs'), '--quick', '--out', join(dir, 'demo'), '--time', '2s'], { encoding: 'utf8', timeout: 60_000 });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const out = res.stdout;
    expect(out).toMatch(/\[1\/4\] data: 60,000 characters/);
    const val = /validation loss (\d+\.\d+)/.exec(out);
    // Uniform over the 300-id vocabulary is ln 300 ≈ 5.70: a few seconds of training must beat it clearly.
    expect(Number(val?.[1])).toBeLessThan(5.2);
    for (const name of ['greedy, no repeated 3-grams', 'top-k 40, T 0.7', 'top-p 0.9, T 0.7', 'beam search, 2 beams, no repeated 3-grams']) expect(out).toContain(`--- ${name}\nThe whale`);
    expect(existsSync(join(dir, 'demo', 'checkpoint', 'model.safetensors'))).toBe(true);
    expect(readFileSync(join(dir, 'demo', 'loss.svg'), 'utf8')).toContain('validation');
  });

  it('rejects a bad flag with one line and exit 2', () => {
    const res = spawnSync(process.execPath, [join(root, 'scripts', 'start.mjs'), '--time', 'never'], { encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/^npm start: --time must be a positive duration/);
  });
});

describe('the CLI decoding flags map onto the Sampler', async () => {
  const { toGenerateOptions } = await import('../dist/cli/decode.js');

  it('greedy, sampling and beam search get exactly their own options', () => {
    expect(toGenerateOptions('', { temperature: 0 })).toMatchObject({ prompt: undefined, temperature: 0, onContextFull: 'slide' });
    expect(toGenerateOptions('', { temperature: 0 })).not.toHaveProperty('topK');
    expect(toGenerateOptions('Call me', { temperature: 0.8, topK: 40, topP: 0.9, minP: 0.05, seed: 3, stop: ['.'] })).toMatchObject({
      prompt: 'Call me', temperature: 0.8, topK: 40, topP: 0.9, minP: 0.05, seed: 3, stopStrings: ['.'],
    });
    const beams = toGenerateOptions('x', { numBeams: 4, lengthPenalty: 0.5 });
    expect(beams).toMatchObject({ numBeams: 4, lengthPenalty: 0.5 });
    expect(beams).not.toHaveProperty('temperature');
    expect(beams).not.toHaveProperty('seed');
  });
});
