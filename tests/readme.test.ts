/** The README's Node examples must run as written (they import 'wasm-gpt', which resolves to this package). */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { relaxedMaddFuses, relaxedSimdSupported } from '../src/wasm/artifacts.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs the first ```ts block under `heading`; returns its stdout after checking it exited cleanly. */
function runExample(heading: string): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const at = readme.indexOf(`\n${heading}\n`);
  expect(at, `no "${heading}" section`).toBeGreaterThan(-1);
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  expect(code, `no \`\`\`ts block under "${heading}"`).toBeDefined();
  const file = `${root}readme-example.${process.pid}.tmp.mjs`;
  writeFileSync(file, code as string);
  try {
    const res = spawnSync(process.execPath, [file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    return res.stdout;
  } finally {
    rmSync(file, { force: true });
  }
}

describe('README', () => {
  it('the q8 example quantizes and generates with both models', () => {
    const out = runExample('## Quantized inference (q8)');
    const [, f32, q8] = /^float32 ([\d.]+) MB, q8 ([\d.]+) MB$/m.exec(out) ?? [];
    expect(Number(q8) / Number(f32)).toBeLessThan(0.32);
    expect(out).toMatch(/^float32( \d+){8}$/m);
    expect(out).toMatch(/^q8( \d+){8}$/m);
  });

  it('the Node example trains (loss falls) and saves a checkpoint', () => {
    rmSync(`${root}out/readme-ckpt`, { recursive: true, force: true });
    const out = runExample('## Using it from Node');
    const losses = [...out.matchAll(/^step (\d+): loss (\d+\.\d+), \d+ tokens\/s$/gm)].map((m) => [+m[1], +m[2]]);
    expect(losses.map(([step]) => step)).toEqual([20, 40, 60]);
    expect(losses[2][1]).toBeLessThan(losses[0][1]);
    // 60 steps on one repeated line learn it: the continuation is made of its words.
    const sample = /^To be(.*)$/m.exec(out)?.[1] ?? '';
    expect(sample.length).toBeGreaterThan(20);
    expect(sample).toMatch(/ (or|not|to|be|that|is|the|question)[ ,.]/);
    expect(readdirSync(`${root}out/readme-ckpt`).sort()).toEqual(['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors', 'training_state.json', 'training_state.safetensors']);
    rmSync(`${root}out/readme-ckpt`, { recursive: true, force: true });
  });

  it('the Hugging Face example saves a Hub folder, loads it with fromPretrained and decodes by its generation config', () => {
    rmSync(`${root}out/hf-tiny`, { recursive: true, force: true });
    const lines = runExample('## Coming from Hugging Face').trimEnd().split('\n');
    // the Hub files and our checksum index, which fromPretrained reads and verifies them by
    expect(lines.slice(0, 6).map((l) => l.replace(/\d+ bytes$/, 'N bytes')).sort()).toEqual(
      ['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'].map((f) => `${f}: N bytes`),
    );
    expect(lines[6]).toBe('{ temperature: 0, maxNewTokens: 12, endTokens: [ 269 ] }');
    // greedy follows the text it learned; the sampled line is text too; the snake_case name is refused
    expect(lines[7]).toMatch(/^ sat on the (mat|log)\./);
    expect(lines[8].length).toBeGreaterThan(5);
    expect(lines[9]).toBe('unknown option "max_new_tokens"; did you mean maxNewTokens?');
    rmSync(`${root}out/hf-tiny`, { recursive: true, force: true });
  });

  it('the Errors example catches a ConfigError naming its key and a FormatError naming its file', () => {
    const out = runExample('### Errors');
    expect(out).toMatch(/^nHead: GPTConfig\.nEmbd \(128\) must be divisible by nHead \(3\)/m);
    expect(out).toMatch(/out\/no-such-checkpoint \(true\)$/m);
  });

  it('the wasm core example runs and reports its capabilities', () => {
    expect(runExample('## The wasm core directly')).toMatch(/artifact: 'threads-(relaxed-)?simd'/);
  });

  it('the relaxed-SIMD example prints the artifact this Node picks', () => {
    // Node 20 without --experimental-wasm-relaxed-simd (as CI runs it) has no relaxed SIMD; Node >= 22 has.
    const want = relaxedSimdSupported() ? `relaxed-simd true ${relaxedMaddFuses()}` : 'simd false false';
    expect(runExample('### Relaxed SIMD').trim()).toBe(want);
  });

  it('the Workers example trains in a worker (falling loss), streams a greedy sample and resumes from a checkpoint', () => {
    const out = runExample('## Workers');
    const losses = [...out.matchAll(/^step (\d+): loss (\d+\.\d+)$/gm)].map((m) => [+m[1], +m[2]]);
    expect(losses.map(([step]) => step)).toEqual([10, 20, 30, 40]);
    expect(losses[3][1]).toBeLessThan(losses[0][1]);
    expect(out).toMatch(/^threads-(relaxed-)?simd$/m);
    expect(out).toMatch(/^40 30$/m);
    expect(out).toMatch(/^greedy: \d+ \d+ \d+ \d+ \d+ \d+$/m);
    expect(out).toMatch(/^resumed at step 40$/m);
  });
});
