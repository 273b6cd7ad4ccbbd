// The Sampler running in a comlink worker, streaming chunks back to the page, then aborted from the page.
import * as Comlink from '../../node_modules/comlink/dist/esm/comlink.mjs';

async function main() {
  const api = Comlink.wrap(new Worker(new URL('./sampler-worker.js', import.meta.url), { type: 'module' }));
  const chunks = [];
  const result = await api.generate(
    { prompt: 'the ', temperature: 0.8, seed: 42, maxNewTokens: 20, numReturnSequences: 2 },
    Comlink.proxy((chunk) => { chunks.push(chunk); }),
  );
  const streamedText = [0, 1].map((i) => chunks.filter((c) => c.sequence === i).map((c) => c.text).join(''));
  const streamedTokens = [0, 1].map((i) => chunks.filter((c) => c.sequence === i).map((c) => c.token));
  // Abort after five chunks of a generation that would otherwise run for a million tokens.
  let seen = 0;
  let abortError;
  try {
    await api.generate(
      { prompt: 'the ', temperature: 1, maxNewTokens: 1000000, onContextFull: 'slide', endTokens: [] },
      Comlink.proxy(async () => { if (++seen === 5) await api.abort(); }),
    );
  } catch (err) {
    abortError = err && err.name;
  }
  return {
    sequences: result.sequences.map((s) => ({ tokens: s.tokens, text: s.text, finishReason: s.finishReason })),
    streamedText,
    streamedTokens,
    chunkCount: chunks.length,
    abortError,
    chunksBeforeAbort: seen,
  };
}

main().then(
  (result) => { window.__result = result; document.getElementById('log').textContent = JSON.stringify(result, null, 2); },
  (err) => { window.__result = { error: String(err && err.stack ? err.stack : err) }; },
);
