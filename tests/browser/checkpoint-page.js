// The browser-safe checkpoint module in a real page with the real Origin Private File System: save, reload,
// replace, and recover from a commit interrupted halfway (the journal files written by hand).
import { encodeCheckpoint, loadCheckpointOPFS, saveCheckpointOPFS } from '../../dist/checkpoint/index.js';
import { paramLayout } from '../../dist/model/layout.js';

const DIMS = {
  vocabSize: 11, blockSize: 5, nLayer: 2, nHead: 2, nEmbd: 4, activation: 'gelu', norm: 'pre',
  positional: 'learned', bias: true, tieEmbeddings: true, dropout: 0, layerNormEps: 1e-5,
};

function sameBits(a, b) {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, i) => v === y[i]);
}

async function names(dir) {
  const out = [];
  for await (const name of dir.keys()) out.push(name);
  return out.sort();
}

async function main() {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry('ckpt-test', { recursive: true }).catch(() => undefined);
  const n = paramLayout(DIMS).total;
  const a = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: n }, (_, i) => Math.cos(i));

  await saveCheckpointOPFS('ckpt-test', DIMS, a, { tensors: { m: new Float32Array([1, 2, 3]) }, meta: { step: 7 } });
  const dir = await root.getDirectoryHandle('ckpt-test');
  const afterFirst = await names(dir);
  const loadedA = await loadCheckpointOPFS('ckpt-test');

  await saveCheckpointOPFS('ckpt-test', DIMS, b);
  const afterSecond = await names(dir);
  const loadedB = await loadCheckpointOPFS('ckpt-test');

  // an interrupted commit: the marker says the .tmp set is complete; config.json is already the new one
  const next = encodeCheckpoint({ ...DIMS, layerNormEps: 1e-6 }, a);
  const write = async (name, bytes) => {
    const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
    await w.write(bytes);
    await w.close();
  };
  await write('config.json', next.get('config.json'));
  await write('model.safetensors.tmp', next.get('model.safetensors'));
  await write('commit.tmp', new TextEncoder().encode(JSON.stringify(['config.json', 'model.safetensors'])));
  const recovered = await loadCheckpointOPFS('ckpt-test');
  const afterRecovery = await names(dir);
  await root.removeEntry('ckpt-test', { recursive: true });

  return {
    hasMove: typeof FileSystemFileHandle.prototype.move === 'function',
    afterFirst,
    firstBits: sameBits(loadedA.params, a),
    firstMeta: loadedA.state.meta,
    afterSecond,
    secondBits: sameBits(loadedB.params, b),
    secondState: loadedB.state === undefined,
    recoveredEps: recovered.dims.layerNormEps,
    recoveredBits: sameBits(recovered.params, a),
    afterRecovery,
  };
}

main().then(
  (result) => { window.__result = result; document.getElementById('log').textContent = JSON.stringify(result, null, 2); },
  (err) => { window.__result = { error: String(err && err.stack ? err.stack : err) }; },
);
