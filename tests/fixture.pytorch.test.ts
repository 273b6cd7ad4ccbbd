/**
 * Golden test against an independent implementation (llm.c's test_gpt2 idea): scripts/make-fixture.py builds
 * a tiny GPT-2 in PyTorch with Hugging Face's names, layout and math, runs it in float64 on a fixed batch and
 * stores logits, loss, every gradient and the losses of 10 AdamW steps. Here the checkpoint loader reads its
 * model.safetensors into a GPTEngine on every backend and each tensor is compared under the one rule of
 * helpers/golden.ts, with a per-tensor report (max abs/rel error, worst index).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJsKernels } from '../src/kernels/index.js';
import { loadCheckpointDir, saveCheckpointDir } from '../src/checkpoint/node.js';
import { paramsToHF, readSafetensors } from '../src/checkpoint/index.js';
import { GPTEngine } from '../src/model/engine.js';
import { formatDiff, goldenDiff, type Diff } from './helpers/golden.js';
import { useKernelBackends } from './helpers/kernels.js';
import { bitsEqual } from './helpers/tolerance.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const FIXTURE_VERSION = 1;
const HINT = '---> HINT: regenerate with /usr/bin/python3 scripts/make-fixture.py';
const PYTHON = '/usr/bin/python3';
// The reverse check runs PyTorch; Debian's python3-torch is a developer tool here, not a CI requirement.
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

interface Reference {
  version: number;
  B: number;
  T: number;
  loss: number;
  adamw: { lr: number; beta1: number; beta2: number; eps: number; weight_decay: number; clip: number; steps: number };
  losses: number[];
  grad_norms: number[];
}

function loadReference(name: string) {
  const dir = join(FIXTURES, name);
  const json = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Reference;
  const bytes = readFileSync(join(dir, 'reference.safetensors'));
  const file = readSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), `${name}/reference.safetensors`);
  if (json.version !== FIXTURE_VERSION || file.metadata.version !== String(FIXTURE_VERSION)) {
    throw new Error(`${name}: fixture version ${json.version}/${file.metadata.version}, this test reads ${FIXTURE_VERSION}\n${HINT}`);
  }
  const int32 = (key: string) => {
    const t = file.tensors.get(key);
    if (t === undefined || t.dtype !== 'I32') throw new Error(`${name}: reference has no I32 ${key}\n${HINT}`);
    return new Int32Array(t.bytes.slice().buffer);
  };
  const grads = new Map<string, Float32Array>();
  for (const [key, t] of file.tensors) if (key.startsWith('grad.')) grads.set(key.slice(5), t.toFloat32());
  return { dir, json, tokens: int32('tokens'), targets: int32('targets'), logits: file.tensors.get('logits')!.toFloat32(), grads };
}

/** Asserts every diff is within its bound, printing the whole table first (the failing lines say NOT OK). */
function verdict(name: string, diffs: Diff[]): void {
  const report = diffs.map(formatDiff).join('\n');
  const bad = diffs.filter((d) => !(d.ratio <= 1));
  if (bad.length > 0 || process.env.WASM_GPT_FIXTURE_REPORT) console.log(`${name}\n${report}`);
  expect(bad.map((d) => d.label), `${name}: tensors outside the golden tolerance\n${report}`).toEqual([]);
}

describe('PyTorch fixtures', () => {
  it('are saved as Hugging Face saves GPT-2, so the loader meets the real variations', () => {
    const names = (fixture: string) => {
      const bytes = readFileSync(join(FIXTURES, fixture, 'model.safetensors'));
      return readSafetensors(new Uint8Array(bytes), fixture).tensors;
    };
    // gpt2-tiny: the Hub's layout: bare names, boolean causal masks and masked_bias, no tied head
    const hub = names('gpt2-tiny');
    expect(hub.get('wte.weight')!.shape).toEqual([64, 16]);
    expect(hub.get('h.1.attn.bias')!.dtype).toBe('BOOL');
    expect(hub.get('h.1.attn.masked_bias')!.shape).toEqual([]);
    expect(hub.has('lm_head.weight')).toBe(false);
    // variant-tiny: save_pretrained's layout: prefixed names plus the untied head
    const saved = names('variant-tiny');
    expect([...saved.keys()].filter((n) => !n.startsWith('transformer.'))).toEqual(['lm_head.weight']);
  });

  it('the golden rule catches a 1e-4-relative error in one gradient entry', () => {
    const { grads } = loadReference('gpt2-tiny');
    const want = grads.get('transformer.h.0.attn.c_attn.weight')!;
    const got = want.slice();
    let worst = 0;
    for (let i = 0; i < want.length; i++) if (Math.abs(want[i]) > Math.abs(want[worst])) worst = i;
    expect(goldenDiff('same', got, want).ratio).toBe(0);
    got[worst] *= 1 + 1e-4 * 1.2;
    expect(goldenDiff('perturbed', got, want).ratio).toBeGreaterThan(1);
  });
});

describe.each(['gpt2-tiny', 'variant-tiny'])('PyTorch fixture %s', (name) => {
  const backends = useKernelBackends();
  const ref = loadReference(name);

  it('loads through the checkpoint loader, and logits, loss and every gradient match PyTorch', async () => {
    const { dims, params } = await loadCheckpointDir(ref.dir);
    const { B, T } = ref.json;
    const perBackend: { loss: number; grads: Float32Array }[] = [];
    for (const { name: backend, k } of backends()) {
      const e = new GPTEngine(k, dims, B, T);
      k.write(e.params, params);
      e.zeroGrad();
      const loss = e.forward(ref.tokens, ref.targets);
      const logits = k.read(e.a('logits')); // before backward, which overwrites logits with their gradient
      e.backward();
      const grads = k.read(e.grads);
      e.free();
      perBackend.push({ loss, grads });

      const diffs = [goldenDiff('loss', [loss], [ref.json.loss]), goldenDiff('logits', logits, ref.logits)];
      const ours = paramsToHF(dims, grads);
      expect([...ours.keys()].sort()).toEqual([...ref.grads.keys()].sort());
      for (const [hfName, want] of ref.grads) diffs.push(goldenDiff(`grad ${hfName}`, ours.get(hfName)!.data, want));
      verdict(`${name} on ${backend}`, diffs);
    }
    // The two wasm runs (1 and 2 threads) agree bit for bit.
    expect(perBackend[0].loss).toBe(perBackend[1].loss);
    expect(bitsEqual(perBackend[0].grads, perBackend[1].grads)).toBe(true);
  });

  it('10 AdamW steps with clipping give PyTorch\'s losses and gradient norms', async () => {
    const { dims, params } = await loadCheckpointDir(ref.dir);
    const { B, T, adamw: h } = ref.json;
    for (const { name: backend, k } of backends()) {
      const e = new GPTEngine(k, dims, B, T);
      k.write(e.params, params);
      const losses: number[] = [];
      const norms: number[] = [];
      for (let step = 1; step <= h.steps; step++) {
        e.zeroGrad();
        losses.push(e.forward(ref.tokens, ref.targets));
        e.backward();
        norms.push(e.clipGradients(h.clip));
        e.update({ lr: h.lr, beta1: h.beta1, beta2: h.beta2, eps: h.eps, weightDecay: h.weight_decay }, step);
      }
      e.free();
      const diffs = losses.map((l, i) => goldenDiff(`step ${i + 1} loss`, [l], [ref.json.losses[i]]));
      diffs.push(...norms.map((n, i) => goldenDiff(`step ${i + 1} grad norm`, [n], [ref.json.grad_norms[i]])));
      verdict(`${name} AdamW on ${backend}`, diffs);
    }
  });
});

describe.skipIf(!hasTorch)('checkpoints saved by wasm-gpt, loaded by PyTorch', () => {
  it.each(['gpt2-tiny', 'variant-tiny'])('%s after 3 AdamW steps: loads under HF\'s rules and gives our logits', async (name) => {
    const ref = loadReference(name);
    const { dims, params } = await loadCheckpointDir(ref.dir);
    const { B, T } = ref.json;
    const k = createJsKernels();
    const e = new GPTEngine(k, dims, B, T);
    k.write(e.params, params);
    for (let step = 1; step <= 3; step++) {
      e.zeroGrad();
      e.forward(ref.tokens, ref.targets);
      e.backward();
      e.clipGradients(1);
      e.update({ lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 }, step);
    }
    e.forward(ref.tokens);
    const logits = k.read(e.a('logits'));
    const dir = mkdtempSync(join(tmpdir(), 'wasm-gpt-torch-'));
    try {
      await saveCheckpointDir(join(dir, 'ckpt'), dims, k.read(e.params));
      const tokens = Array.from({ length: B }, (_, b) => Array.from(ref.tokens.subarray(b * T, (b + 1) * T)));
      const run = spawnSync(PYTHON, ['scripts/make-fixture.py', '--check', join(dir, 'ckpt')], {
        input: JSON.stringify({ tokens }), encoding: 'utf8', cwd: join(import.meta.dirname, '..'),
      });
      expect(run.status, run.stderr).toBe(0);
      const torchLogits = (JSON.parse(run.stdout) as { logits: number[] }).logits;
      verdict(`${name}: PyTorch logits of our checkpoint`, [goldenDiff('logits', logits, torchLogits)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      e.free();
    }
  });
});
