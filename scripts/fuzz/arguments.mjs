// Bad arguments for the fuzz campaign: each case calls one public API with one wrong argument and names the
// word the error message must contain (the option or argument at fault). Run one per process by
// scripts/fuzz/child.mjs; a case passes when the call throws a WasmGptError naming that word.

const TINY = { vocabSize: 32, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16 };
const BAD_SIZES = [0, -1, 1.5, NaN, Infinity, '8', null, 2 ** 25, 1e15, 2 ** 32];

async function tinyModel(lib) {
  return lib.GPT.create(TINY, { threads: 1 });
}

function data(n = 256, V = TINY.vocabSize) {
  return Uint16Array.from({ length: n }, (_, i) => (i * 5) % V);
}

export const CASES = [];
const add = (label, names, run) => CASES.push({ label, names, run });

// ---- GPT.create ----
for (const key of ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd']) {
  for (const v of BAD_SIZES) add(`GPT.create ${key}=${String(v)}`, key, (lib) => lib.GPT.create({ ...TINY, [key]: v }, { threads: 1 }));
}
for (const [key, v] of [['activation', 'swish'], ['norm', 'mid'], ['positional', 'rope'], ['bias', 1], ['tieEmbeddings', 'yes'],
  ['dropout', 1], ['dropout', -0.1], ['dropout', NaN], ['layerNormEps', 0], ['layerNormEps', 2], ['preset', 'gpt5'], ['nLayers', 2]]) {
  add(`GPT.create ${key}=${String(v)}`, key, (lib) => lib.GPT.create({ ...TINY, [key]: v }, { threads: 1 }));
}
add('GPT.create nHead not dividing nEmbd', 'nHead', (lib) => lib.GPT.create({ ...TINY, nHead: 3 }, { threads: 1 }));
add('GPT.create 1e6 layers (3.3 GB of parameters)', 'nLayer', (lib) => lib.GPT.create({ vocabSize: 2, blockSize: 1, nLayer: 1e6, nHead: 1, nEmbd: 8 }, { threads: 1 }));
add('GPT.create gpt2-large × 4 layers', 'nLayer', (lib) => lib.GPT.create({ preset: 'gpt2-large', nLayer: 200 }, { threads: 1 }));
for (const [key, v] of [['backend', 'gpu'], ['init', 'xavier'], ['seed', 1.5], ['seed', '1'], ['device', 'cpu']]) {
  add(`GPT option ${key}=${String(v)}`, key, (lib) => lib.GPT.create(TINY, { threads: 1, [key]: v }));
}
for (const v of [0, -1, 1.5, '2']) add(`GPT option threads=${String(v)}`, 'threads', (lib) => lib.GPT.create(TINY, { threads: v }));

// ---- forward / loss / parameters ----
const forwardCases = [
  ['token id = vocabSize', 'tokens', (m) => m.forward([0, 1, TINY.vocabSize], 1, 3)],
  ['token id -1', 'tokens', (m) => m.forward([0, -1], 1, 2)],
  ['token id 1.5', 'tokens', (m) => m.forward([0, 1.5], 1, 2)],
  ['token id NaN', 'tokens', (m) => m.forward([NaN], 1, 1)],
  ['B = 0', 'batch size', (m) => m.forward([], 0, 1)],
  ['T > blockSize', 'sequence length', (m) => m.forward(new Array(17).fill(0), 1, 17)],
  ['B·T ≠ tokens', 'token ids', (m) => m.forward([0, 1, 2], 2, 2)],
  ['loss targets length', 'targets', (m) => m.loss([0, 1], [1])],
  ['loss target id 99', 'targets', (m) => m.loss([0, 1], [1, 99])],
  ['setParameters wrong length', 'setParameters', (m) => m.setParameters(new Float32Array(3))],
  ['setParameters Array', 'setParameters', (m) => m.setParameters([1, 2, 3])],
  ['forward after dispose', 'disposed', (m) => { m.dispose(); m.forward([0], 1, 1); }],
  ['getParameters after dispose', 'disposed', (m) => { m.dispose(); m.getParameters(); }],
];
for (const [label, names, f] of forwardCases) add(`GPT.${label}`, names, async (lib) => f(await tinyModel(lib)));

// ---- Trainer ----
const trainerCases = [
  ['batchSize', 0], ['batchSize', 1.5], ['batchSize', 1e9], ['blockSize', 17], ['blockSize', 0], ['lr', -1], ['lr', NaN],
  ['betas', [1, 0.9]], ['betas', [0.9]], ['eps', 0], ['weightDecay', -1], ['gradClip', -1], ['gradAccumSteps', 0],
  ['evalInterval', -1], ['seed', 1.5], ['onNonFinite', 'ignore'], ['trainData', new Float32Array(64)], ['trainData', data(4)],
  ['valData', [1, 2, 3]], ['schedule', 1],
];
for (const [key, v] of trainerCases) {
  add(`Trainer ${key}=${Array.isArray(v) ? JSON.stringify(v) : ArrayBuffer.isView(v) ? v.constructor.name : String(v)}`, key, async (lib) => {
    new lib.Trainer(await tinyModel(lib), { trainData: data(), batchSize: 2, blockSize: 8, [key]: v });
  });
}
add('Trainer trainData id ≥ vocabSize', 'trainData', async (lib) => new lib.Trainer(await tinyModel(lib), { trainData: data(64, 40), batchSize: 2, blockSize: 8 }));
add('Trainer.setState foreign state', 'state', async (lib) => {
  new lib.Trainer(await tinyModel(lib), { trainData: data(), batchSize: 2, blockSize: 8 }).setState({ tensors: {}, meta: { step: 3 } });
});
add('Trainer.setState step 1e308', 'step', async (lib) => {
  const t = new lib.Trainer(await tinyModel(lib), { trainData: data(), batchSize: 2, blockSize: 8 });
  const s = t.getState();
  t.setState({ ...s, meta: { ...s.meta, step: 1e308 } });
});
add('Trainer.setState bad rng', 'rng', async (lib) => {
  const t = new lib.Trainer(await tinyModel(lib), { trainData: data(), batchSize: 2, blockSize: 8 });
  const s = t.getState();
  t.setState({ ...s, meta: { ...s.meta, loader: { ...s.meta.loader, rng: [0, 0, 0, 0] } } });
});
add('Trainer.step after dispose', 'disposed', async (lib) => {
  const t = new lib.Trainer(await tinyModel(lib), { trainData: data(), batchSize: 2, blockSize: 8 });
  t.dispose();
  t.step();
});

// ---- Sampler ----
const samplerCases = [
  ['temperature', -1], ['temperature', NaN], ['topK', -1], ['topK', 1.5], ['topP', 0], ['topP', 2], ['minP', 2],
  ['maxNewTokens', 0], ['maxNewTokens', 1.5], ['numReturnSequences', 0], ['numReturnSequences', 1e6], ['numBeams', 0],
  ['numBeams', 1e6], ['repetitionPenalty', 0], ['noRepeatNgramSize', -1], ['prompt', [0, 99]], ['prompt', 42],
  ['bos', 32], ['endTokens', [32]], ['stopStrings', ['']], ['onContextFull', 'wrap'], ['slideKeep', 0], ['seed', 'x'],
  ['lengthPenalty', 1], ['max_tokens', 3],
];
for (const [key, v] of samplerCases) {
  add(`Sampler ${key}=${JSON.stringify(v)}`, key === 'max_tokens' ? 'max_tokens' : key, async (lib) => {
    const sampler = new lib.Sampler(await tinyModel(lib));
    const base = key === 'numBeams' || key === 'lengthPenalty' ? {} : { temperature: 1 };
    const extra = key === 'numReturnSequences' && v === 1e6 ? { maxNewTokens: 16 } : {};
    await sampler.generate({ prompt: [1, 2], maxNewTokens: 2, ...base, ...extra, [key]: v });
  });
}

// ---- tokenizers and data ----
add('encode(123)', 'text', (lib) => lib.CharTokenizer.fromCorpus('abc').encode(123));
add('decode([1e9])', 'id', (lib) => lib.CharTokenizer.fromCorpus('abc').decode([1e9]));
add("decode(['a'])", 'id', (lib) => lib.CharTokenizer.fromCorpus('abc').decode(['a']));
add("allowedSpecial 'some'", 'allowedSpecial', (lib) => lib.CharTokenizer.fromCorpus('abc').encode('a', { allowedSpecial: 'some' }));
add('CharTokenizer.fromCorpus([1])', 'documents', (lib) => lib.CharTokenizer.fromCorpus([1]));
for (const v of [10, 1.5, -1, 1e9]) add(`trainByteLevelBPE vocabSize=${v}`, 'vocabSize', (lib) => lib.trainByteLevelBPE('hello hello world', { vocabSize: v }));
add('loadTokenizer({})', 'tokenizer', (lib) => lib.loadTokenizer({}));
add('loadTokenizer("{")', 'tokenizer', (lib) => lib.loadTokenizer('{'));
for (const [key, v] of [['batchSize', 0], ['blockSize', 1e9], ['order', 'shuffled'], ['idType', 'int8']]) {
  add(`BatchLoader ${key}=${String(v)}`, key === 'blockSize' ? 'blockSize' : key, (lib) => new lib.BatchLoader(data(), { batchSize: 2, blockSize: 4, [key]: v }));
}
add('BatchLoader tokens Array', 'tokens', (lib) => new lib.BatchLoader([1, 2, 3], { batchSize: 1, blockSize: 1 }));
add('decodeShard(bytes of 3)', 'shard', (lib) => lib.decodeShard(new Uint8Array(3)));
add('decodeCheckpoint({})', 'config.json', (lib) => lib.decodeCheckpoint({}));
add('readSafetensors(4 bytes)', 'bytes', (lib) => lib.readSafetensors(new Uint8Array(4), 'x.safetensors'));
add('initWasm threads=0', 'threads', (lib) => lib.initWasm({ threads: 0 }));
add("initWasm artifact='x'", 'artifact', (lib) => lib.initWasm({ artifact: 'x' }));
