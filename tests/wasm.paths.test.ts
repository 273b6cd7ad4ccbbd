/**
 * Where the loader looks for the .wasm files: `wasmPaths` (a folder URL, onnxruntime-web style), `wasmUrl`
 * (one URL per artifact, which wins), and what a user is told when a file is not there.
 */
import { mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { initWasm } from '../src/wasm/loader.js';
import { WasmGptError } from '../src/errors.js';

const elsewhere = mkdtempSync(join(tmpdir(), 'wasm-gpt-paths-'));
copyFileSync(new URL('../pkg/wasm_gpt_simd.wasm', import.meta.url), join(elsewhere, 'wasm_gpt_simd.wasm'));
const folder = pathToFileURL(elsewhere).href; // no trailing slash: the loader adds it

afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

describe('wasmPaths and wasmUrl', () => {
  it('wasmPaths finds the artifact by its file name under a folder URL, with or without the trailing slash', async () => {
    for (const prefix of [folder, `${folder}/`, new URL(`${folder}/`)]) {
      const core = await initWasm({ artifact: 'simd', wasmPaths: prefix });
      expect(core.capabilities().artifact).toBe('simd');
      await core.terminate();
    }
  });

  it('wasmUrl wins over wasmPaths', async () => {
    const core = await initWasm({
      artifact: 'simd', wasmPaths: pathToFileURL(join(elsewhere, 'nowhere/')).href,
      wasmUrl: { simd: new URL('../pkg/wasm_gpt_simd.wasm', import.meta.url) },
    });
    expect(core.capabilities().artifact).toBe('simd');
    await core.terminate();
  });

  it('a missing file: the error names the URL that failed and the options that move it, not a build command', async () => {
    const err = await initWasm({ artifact: 'simd', wasmPaths: pathToFileURL(join(elsewhere, 'missing/')).href }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WasmGptError);
    const message = (err as Error).message;
    expect(message).toContain(`${pathToFileURL(join(elsewhere, 'missing')).href}/wasm_gpt_simd.wasm`);
    expect(message).toMatch(/wasmPaths/);
    expect(message).toMatch(/wasmUrl/);
    expect(message).not.toMatch(/npm run build/);
  });
});
