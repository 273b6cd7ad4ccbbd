// Builds the browser playground into examples/browser/dist/: the page and the gpt-worker bundled by esbuild
// straight from src/ (TypeScript), next to the wasm artifacts from pkg/ and the plain-JS thread worker, so the
// folder is self-contained and any static server can serve it. The bundled sample text is read here, at build
// time, from the Moby-Dick package the demo already uses.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
export const OUT_DIR = join(here, 'dist');

const WASM_FILES = ['wasm_gpt_threads_simd.wasm', 'wasm_gpt_simd.wasm', 'wasm_gpt_threads_relaxed_simd.wasm', 'wasm_gpt_relaxed_simd.wasm'];
/** About this many characters of chapter 1, cut at a paragraph end: enough to learn spelling in a minute. */
const SAMPLE_CHARS = 6000;

function mobyDickSample() {
  const file = join(root, 'node_modules', '@stdlib', 'datasets-moby-dick', 'data', 'chapter_1.txt');
  if (!existsSync(file)) return '';
  const paragraphs = readFileSync(file, 'utf8').split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const kept = [];
  let length = 0;
  for (const p of paragraphs) {
    if (length > 0 && length + p.length > SAMPLE_CHARS) break;
    kept.push(p);
    length += p.length + 2;
  }
  return kept.join('\n\n');
}

/** Builds the playground; resolves to the output folder. Throws when the wasm artifacts are missing. */
export async function buildPlayground({ outDir = OUT_DIR, minify = false } = {}) {
  for (const name of WASM_FILES) {
    if (!existsSync(join(root, 'pkg', name))) {
      throw new Error(`playground: pkg/${name} is missing; build the wasm core first (npm run build:wasm)`);
    }
  }
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: {
      playground: join(here, 'playground.ts'),
      'gpt-worker': join(root, 'src', 'worker', 'gpt-worker.ts'),
    },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    sourcemap: true,
    define: { __MOBY_DICK_SAMPLE__: JSON.stringify(mobyDickSample()) },
    logLevel: 'warning',
  });
  for (const name of WASM_FILES) cpSync(join(root, 'pkg', name), join(outDir, name));
  cpSync(join(root, 'src', 'threads', 'thread-worker.js'), join(outDir, 'thread-worker.js'));
  for (const name of ['index.html', 'style.css']) cpSync(join(here, name), join(outDir, name));
  return outDir;
}
