// GPT.fromPretrained in a real page: a Hub-layout folder over HTTP with progress events, cached in OPFS.
// ?url=<folder>&mode=first|cached|clear[&cache=reload|no-store]: 'first' empties the whole cache before loading,
// 'clear' removes this folder's entry (clearPretrainedCache(url)), 'cached' loads as a second visit would.
import { GPT } from '../../dist/model/gpt.js';
import { Sampler } from '../../dist/sampler/sampler.js';
import { clearPretrainedCache } from '../../dist/checkpoint/pretrained.js';

async function cacheEntries() {
  const root = await navigator.storage.getDirectory();
  try {
    const dir = await root.getDirectoryHandle('wasm-gpt-pretrained');
    const out = [];
    for await (const name of dir.keys()) out.push(name);
    return out;
  } catch {
    return [];
  }
}

async function main() {
  const params = new URLSearchParams(location.search);
  const url = params.get('url');
  const mode = params.get('mode');
  if (mode === 'first') await clearPretrainedCache();
  if (mode === 'clear') await clearPretrainedCache(url);
  const entriesBefore = await cacheEntries();
  const events = [];
  const cache = params.get('cache') ?? undefined;
  const { model, tokenizer, generationConfig } = await GPT.fromPretrained(url, { progress: (e) => events.push(e), cache });
  const sampler = new Sampler(model, { tokenizer, defaults: generationConfig });
  const result = await sampler.generate({ prompt: params.get('prompt') });
  const out = {
    entriesBefore: entriesBefore.length,
    entriesAfter: (await cacheEntries()).length,
    events,
    generationConfig,
    text: result.sequences[0].text,
    finishReason: result.sequences[0].finishReason,
    backend: model.backend,
  };
  sampler.dispose();
  model.dispose();
  return out;
}

main().then(
  (result) => { window.__result = result; document.getElementById('log').textContent = JSON.stringify(result, null, 2); },
  (err) => { window.__result = { error: String(err && err.stack ? err.stack : err) }; },
);
