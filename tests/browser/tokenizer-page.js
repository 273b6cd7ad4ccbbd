// The browser-safe tokenizer and data modules, used exactly as a page would: train a BPE, round-trip text,
// prepare shards in memory and draw a batch.
import { CharTokenizer, loadTokenizer, trainByteLevelBPE } from '../../dist/tokenizer/index.js';
import { BatchLoader, decodeShard, prepareShardsInMemory } from '../../dist/data/index.js';

async function main() {
  const paragraph = 'Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse, ' +
    'and nothing particular to interest me on shore, I thought I would sail about a little and see the watery part of the world. ';
  const corpus = paragraph.repeat(40);
  const bpe = trainByteLevelBPE(corpus, { vocabSize: 350 });
  const samples = ['Call me Ishmael.', 'naïve café — 東京 🐋 مرحبا नमस्ते', '  spaces\tand\nnewlines  ', '<|endoftext|>after'];
  const roundTrips = samples.map((s) => bpe.decode(bpe.encode(s)) === s);
  const reloaded = loadTokenizer(bpe.save());
  const sameIds = JSON.stringify(reloaded.encode(corpus.slice(0, 500))) === JSON.stringify(bpe.encode(corpus.slice(0, 500)));
  const chars = CharTokenizer.fromCorpus(corpus);
  const charRoundTrip = chars.decode(chars.encode(paragraph)) === paragraph;
  const shards = await prepareShardsInMemory(corpus, bpe, { valFraction: 0.1, splitBlockTokens: 64 });
  const train = decodeShard(shards.trainBytes);
  const val = decodeShard(shards.valBytes);
  const loader = new BatchLoader(train.tokens, { batchSize: 2, blockSize: 16, seed: 1 });
  const batch = loader.next();
  const shifted = Array.from({ length: 15 }, (_, i) => batch.y[i] === batch.x[i + 1]).every(Boolean);
  return {
    vocabSize: bpe.vocabSize,
    compression: corpus.length / bpe.encode(corpus).length,
    roundTrips,
    sameIds,
    charRoundTrip,
    trainTokens: train.tokens.length,
    valTokens: val.tokens.length,
    dtype: train.header.dtype,
    batchShape: [batch.x.length, batch.y.length],
    shifted,
  };
}

main().then(
  (result) => { window.__result = result; document.getElementById('log').textContent = JSON.stringify(result, null, 2); },
  (err) => { window.__result = { error: String(err && err.stack ? err.stack : err) }; },
);
