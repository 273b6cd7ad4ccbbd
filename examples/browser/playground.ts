/**
 * The playground page. Everything heavy happens in one wasm-gpt worker (createWorker, comlink): the model, its
 * trainer and its sampler live there, and this thread only tokenizes the text (a character tokenizer: instant),
 * draws, and relays. Training streams its step events back (`trainer.run`), generation its text pieces
 * (`sampler.stream`); both stop through an AbortSignal.
 *
 * A session is one model with the settings it was made from (text, tokenizer, size, trainer options). Those
 * inputs are locked while it exists, because a trainer resumes exactly only with the same ones; "New model"
 * unlocks them. Saving writes the checkpoint files plus `tokenizer.json` and `playground.json` (settings, text,
 * loss history), so a load restores the page as it was and training continues where it stopped.
 */
import { decodeCheckpoint, encodeCheckpoint, loadCheckpointOPFS, saveCheckpointOPFS, type OPFSDirectory, type TrainingState } from '../../src/checkpoint/index.js';
import { CharTokenizer, loadTokenizer, type Tokenizer } from '../../src/tokenizer/index.js';
import { createWorker, type GPTWorker, type RemoteGPT, type RemoteTrainer } from '../../src/worker/index.js';
import { LossChart, type Point } from './chart.js';
import { MOBY_DICK, generatedSentences } from './samples.js';

// ---- model sizes ------------------------------------------------------------------------------------------

interface Preset {
  label: string;
  model: { nLayer: number; nHead: number; nEmbd: number; blockSize: number };
  batchSize: number;
  steps: number;
  lr: number;
}

/**
 * Sized so the default steps take about a minute on two cores with the threaded build. Named by their shape
 * (layers × width), not 'tiny'/'small': the library's presets of those names are other, larger models.
 */
const PRESETS: Record<string, Preset> = {
  '2x64': { label: '2 × 64', model: { nLayer: 2, nHead: 2, nEmbd: 64, blockSize: 64 }, batchSize: 16, steps: 800, lr: 3e-3 },
  '4x128': { label: '4 × 128', model: { nLayer: 4, nHead: 4, nEmbd: 128, blockSize: 64 }, batchSize: 16, steps: 250, lr: 2e-3 },
  '4x192': { label: '4 × 192', model: { nLayer: 4, nHead: 4, nEmbd: 192, blockSize: 128 }, batchSize: 4, steps: 120, lr: 1e-3 },
};
const DEFAULT_PRESET = '2x64';

/** Parameters of a GPT-2 shaped model with tied embeddings (what GPT.create makes by default). */
function parameterCount(p: Preset['model'], vocab: number): number {
  const C = p.nEmbd;
  const perLayer = 12 * C * C + 13 * C;
  return vocab * C + p.blockSize * C + p.nLayer * perLayer + 2 * C;
}

// ---- the page's elements ----------------------------------------------------------------------------------

function $<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`playground: no element #${id}`);
  return el as T;
}
const el = {
  env: $('env'),
  sample: $<HTMLSelectElement>('sample'),
  text: $<HTMLTextAreaElement>('text'),
  textInfo: $('text-info'),
  presets: $('presets'),
  steps: $<HTMLInputElement>('steps'),
  lr: $<HTMLInputElement>('lr'),
  batch: $<HTMLInputElement>('batch'),
  trainSeed: $<HTMLInputElement>('train-seed'),
  train: $<HTMLButtonElement>('train'),
  stopTrain: $<HTMLButtonElement>('stop-train'),
  reset: $<HTMLButtonElement>('reset'),
  trainStatus: $('train-status'),
  prompt: $<HTMLInputElement>('prompt'),
  generate: $<HTMLButtonElement>('generate'),
  stopGen: $<HTMLButtonElement>('stop-gen'),
  output: $<HTMLOutputElement>('output'),
  q8: $<HTMLInputElement>('q8'),
  genStatus: $('gen-status'),
  saveOpfs: $<HTMLButtonElement>('save-opfs'),
  loadOpfs: $<HTMLButtonElement>('load-opfs'),
  download: $<HTMLButtonElement>('download'),
  upload: $<HTMLInputElement>('upload'),
  downloads: $('downloads'),
  saveStatus: $('save-status'),
  stats: {
    step: $('stat-step'), loss: $('stat-loss'), val: $('stat-val'), tps: $('stat-tps'), elapsed: $('stat-elapsed'), eta: $('stat-eta'),
  },
};
const chart = new LossChart($<HTMLCanvasElement>('chart'));

function say(target: HTMLElement, message: string, error = false): void {
  target.textContent = message;
  target.classList.toggle('error', error);
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

function numberInput(input: HTMLInputElement, what: string, check: (v: number) => boolean = Number.isFinite): number {
  const v = input.valueAsNumber;
  if (!Number.isFinite(v) || !check(v)) throw new RangeError(`${what}: ${JSON.stringify(input.value)} is not allowed here`);
  return v;
}

// ---- texts and presets --------------------------------------------------------------------------------------

const SAMPLES: Record<string, () => string> = {
  moby: () => MOBY_DICK,
  rhymes: () => generatedSentences(),
};

function showSample(): void {
  const make = SAMPLES[el.sample.value];
  if (make !== undefined) el.text.value = make();
  describeText();
}

function describeText(): void {
  const text = el.text.value;
  const chars = new Set(text).size;
  el.textInfo.textContent = `(${text.length.toLocaleString('en')} characters, ${chars} distinct)`;
  renderPresets();
}

function selectedPreset(): string {
  return (document.querySelector<HTMLInputElement>('input[name="preset"]:checked')?.value) ?? DEFAULT_PRESET;
}

function renderPresets(): void {
  const chosen = el.presets.childElementCount > 0 ? selectedPreset() : DEFAULT_PRESET;
  const vocab = new Set(el.text.value).size + 1;
  el.presets.replaceChildren(...Object.entries(PRESETS).map(([key, p]) => {
    const label = document.createElement('label');
    const input = document.createElement('input');
    Object.assign(input, { type: 'radio', name: 'preset', value: key, checked: key === chosen });
    input.addEventListener('change', applyPresetDefaults);
    const m = p.model;
    const params = parameterCount(m, vocab);
    label.append(input, ` ${p.label} `);
    const hint = document.createElement('span');
    hint.className = 'hint';
    hint.textContent = `${m.nLayer} layers · ${m.nHead} heads · width ${m.nEmbd} · context ${m.blockSize} · ${(params / 1e6).toFixed(2)}M parameters`;
    label.append(hint);
    return label;
  }));
  setLocked(session !== undefined);
}

function applyPresetDefaults(): void {
  const p = PRESETS[selectedPreset()]!;
  el.steps.value = String(p.steps);
  el.lr.value = String(p.lr);
  el.batch.value = String(p.batchSize);
}

// ---- the worker and the session ------------------------------------------------------------------------------

interface Settings {
  preset: string;
  batchSize: number;
  lr: number;
  seed: number;
  text: string;
}

interface Session {
  model: RemoteGPT;
  tokenizer: Tokenizer;
  settings: Settings;
  trainer?: RemoteTrainer;
  /** From a loaded checkpoint: applied to the trainer when training resumes. */
  pendingState?: TrainingState;
  trainTokens: Uint16Array;
  valTokens?: Uint16Array;
}

let worker: GPTWorker | undefined;
let session: Session | undefined;
let busy: 'train' | 'generate' | 'io' | undefined;
let trainAbort: AbortController | undefined;
let genAbort: AbortController | undefined;

const workerReady = (async () => {
  // No options: the build puts the worker, the thread worker and the .wasm files next to this bundle, where
  // the library looks by default.
  const w = await createWorker();
  worker = w;
  const c = w.capabilities;
  const how = c.threads ? `${c.threadCount} threads (cross-origin isolated)` : `one thread (${c.reason})`;
  say(el.env, `Worker ready: WebAssembly ${c.artifact} build on ${how}.`);
  return w;
})();
workerReady.catch((err: unknown) => say(el.env, `The worker could not start: ${errorText(err)}`, true));

/** Inputs that define a session are fixed while it exists. */
function setLocked(locked: boolean): void {
  for (const input of [el.sample, el.text, el.lr, el.batch, el.trainSeed, ...el.presets.querySelectorAll('input')]) {
    (input as HTMLInputElement).disabled = locked;
  }
}

function refreshButtons(): void {
  const idle = busy === undefined;
  // A model loaded without its text or training state can generate but not train.
  el.train.disabled = !idle || session?.trainTokens.length === 0;
  el.stopTrain.disabled = busy !== 'train';
  el.reset.disabled = !idle || session === undefined;
  el.generate.disabled = !idle || session === undefined;
  el.stopGen.disabled = busy !== 'generate';
  el.saveOpfs.disabled = !idle || session === undefined;
  el.download.disabled = !idle || session === undefined;
  el.loadOpfs.disabled = !idle;
  el.upload.disabled = !idle;
  el.train.textContent = busy === 'train' ? 'Training…'
    : session?.trainer !== undefined || session?.pendingState !== undefined ? 'Continue training' : 'Train';
}

function splitTokens(tokenizer: Tokenizer, text: string, blockSize: number): { train: Uint16Array; val?: Uint16Array } {
  const ids = Uint16Array.from(tokenizer.encode(text));
  // 10% for validation when that still leaves whole windows on both sides.
  const valLength = Math.floor(ids.length / 10);
  if (valLength > blockSize + 1 && ids.length - valLength > blockSize + 1) {
    return { train: ids.subarray(0, ids.length - valLength), val: ids.subarray(ids.length - valLength) };
  }
  if (ids.length <= blockSize + 1) {
    throw new RangeError(`the text is ${ids.length} tokens long; this model size needs more than ${blockSize + 1} (paste more text, or choose a smaller size)`);
  }
  return { train: ids };
}

async function newSession(): Promise<Session> {
  const w = await workerReady;
  const preset = selectedPreset();
  const settings: Settings = {
    preset,
    batchSize: numberInput(el.batch, 'batch size', (v) => Number.isInteger(v) && v >= 1),
    lr: numberInput(el.lr, 'learning rate', (v) => v > 0),
    seed: numberInput(el.trainSeed, 'seed', (v) => Number.isInteger(v) && v >= 0),
    text: el.text.value,
  };
  if (settings.text.length === 0) throw new RangeError('there is no text to train on: pick a sample or paste some');
  const tokenizer = CharTokenizer.fromCorpus(settings.text);
  const p = PRESETS[preset]!;
  const split = splitTokens(tokenizer, settings.text, p.model.blockSize);
  const model = await w.createModel({ ...p.model, vocabSize: tokenizer.vocabSize }, { seed: settings.seed });
  return { model, tokenizer, settings, trainTokens: split.train, valTokens: split.val };
}

async function trainerFor(s: Session): Promise<RemoteTrainer> {
  if (s.trainer !== undefined) return s.trainer;
  const p = PRESETS[s.settings.preset]!;
  s.trainer = await s.model.createTrainer({
    trainData: s.trainTokens,
    valData: s.valTokens,
    batchSize: s.settings.batchSize,
    blockSize: p.model.blockSize,
    lr: s.settings.lr,
    seed: s.settings.seed,
    evalInterval: s.valTokens === undefined ? 0 : 25,
    evalBatches: 4,
  });
  if (s.pendingState !== undefined) {
    await s.trainer.setState(s.pendingState);
    s.pendingState = undefined;
  }
  return s.trainer;
}

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

async function train(): Promise<void> {
  busy = 'train';
  refreshButtons();
  say(el.trainStatus, 'Preparing…');
  try {
    session ??= await newSession();
    setLocked(true);
    const s = session;
    const trainer = await trainerFor(s);
    const steps = numberInput(el.steps, 'steps', (v) => Number.isInteger(v) && v >= 1);
    const first = (await trainer.status()).stepCount;
    const last = first + steps;
    chart.horizon = last;
    trainAbort = new AbortController();
    refreshButtons();
    say(el.trainStatus, `Training steps ${first + 1}–${last} in the worker…`);
    const recent: number[] = []; // ms per step, for the ETA
    let previousElapsed: number | undefined;
    for await (const ev of trainer.run({ steps, signal: trainAbort.signal })) {
      if (ev.type === 'step') {
        chart.add('train', { step: ev.step, loss: ev.loss });
        if (previousElapsed !== undefined) {
          recent.push(ev.elapsed - previousElapsed);
          if (recent.length > 20) recent.shift();
        }
        previousElapsed = ev.elapsed;
        const msPerStep = recent.length > 0 ? recent.reduce((a, b) => a + b, 0) / recent.length : NaN;
        el.stats.step.textContent = `${ev.step} / ${last}`;
        el.stats.loss.textContent = ev.loss.toFixed(3);
        el.stats.tps.textContent = Math.round(ev.tokensPerSec).toLocaleString('en');
        el.stats.elapsed.textContent = formatDuration(ev.elapsed);
        el.stats.eta.textContent = formatDuration((last - ev.step) * msPerStep);
      } else {
        chart.add('val', { step: ev.step, loss: ev.valLoss });
        el.stats.val.textContent = ev.valLoss.toFixed(3);
      }
    }
    const done = (await trainer.status()).stepCount;
    el.stats.eta.textContent = '–'; // nothing is running: no time left to estimate
    say(el.trainStatus, done < last ? `Stopped at step ${done}.` : `Done: ${done} steps. Generate below, or continue training.`);
  } catch (err) {
    el.stats.eta.textContent = '–';
    say(el.trainStatus, errorText(err), true);
  } finally {
    busy = undefined;
    trainAbort = undefined;
    refreshButtons();
  }
}

async function resetSession(): Promise<void> {
  const s = session;
  session = undefined;
  chart.clear();
  for (const v of Object.values(el.stats)) v.textContent = '–';
  el.output.replaceChildren();
  setLocked(false);
  refreshButtons();
  say(el.trainStatus, 'A new model will be made from the settings above when you train.');
  await s?.model.dispose();
}

// ---- generation ---------------------------------------------------------------------------------------------

/** The generation options the form describes; only what differs from the defaults, so nothing contradicts. */
function generationOptions(): Record<string, unknown> {
  const mode = document.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value ?? 'sample';
  const value = (id: string, what: string, check?: (v: number) => boolean) => numberInput($<HTMLInputElement>(id), what, check);
  const options: Record<string, unknown> = {
    maxNewTokens: value('maxNewTokens', 'max new tokens', (v) => Number.isInteger(v) && v >= 1),
  };
  const prompt = el.prompt.value;
  if (prompt.length > 0) options.prompt = prompt;
  const repetitionPenalty = value('repetitionPenalty', 'repetition penalty', (v) => v > 0);
  if (repetitionPenalty !== 1) options.repetitionPenalty = repetitionPenalty;
  const ngram = value('noRepeatNgramSize', 'no-repeat n-gram size', (v) => Number.isInteger(v) && v >= 0);
  if (ngram > 0) options.noRepeatNgramSize = ngram;
  const stops = $<HTMLInputElement>('stopStrings').value.split(',').map((x) => x.trim().replace(/\\n/g, '\n').replace(/\\t/g, '\t')).filter(Boolean);
  if (stops.length > 0) options.stopStrings = stops;
  // The presets see 64 or 128 tokens: slide the window when it fills, as the CLI does, so "max new tokens" is
  // what you get. Beam search keeps the model's window and stops there (its status line says so).
  if (mode !== 'beam') options.onContextFull = 'slide';
  if (mode === 'greedy') {
    options.temperature = 0;
  } else if (mode === 'beam') {
    options.numBeams = value('numBeams', 'beams', (v) => Number.isInteger(v) && v >= 1);
    options.lengthPenalty = value('lengthPenalty', 'length penalty');
    options.earlyStopping = $<HTMLInputElement>('earlyStopping').checked;
  } else {
    options.temperature = value('temperature', 'temperature', (v) => v >= 0);
    const topK = value('topK', 'top-k', (v) => Number.isInteger(v) && v >= 0);
    if (topK > 0) options.topK = topK;
    const topP = value('topP', 'top-p');
    if (topP !== 1) options.topP = topP;
    const minP = value('minP', 'min-p');
    if (minP > 0) options.minP = minP;
    options.seed = value('seed', 'seed', (v) => Number.isInteger(v) && v >= 0);
    if (options.temperature === 0) {
      // Greedy after all: the sampling-only knobs would be contradictions.
      for (const key of ['topK', 'topP', 'minP', 'seed']) delete options[key];
    }
  }
  return options;
}

function showMode(): void {
  const mode = document.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value ?? 'sample';
  for (const label of document.querySelectorAll<HTMLElement>('[data-mode]')) label.hidden = label.dataset.mode !== mode;
}

function kib(bytes: number): string {
  return `${Math.round(bytes / 1024).toLocaleString('en-US')} KiB`;
}

async function generate(): Promise<void> {
  const s = session;
  if (s === undefined) return;
  busy = 'generate';
  genAbort = new AbortController();
  refreshButtons();
  say(el.genStatus, 'Generating…');
  const out = el.output;
  out.replaceChildren();
  try {
    const options = generationOptions();
    // q8: an int8 copy of the weights made in the worker for this generation (the trained model stays float32).
    const quantized = el.q8.checked ? await s.model.quantize('q8') : undefined;
    const weights = quantized === undefined
      ? `float32 weights ${kib(s.model.parameterCount * 4)}`
      : `q8 weights ${kib(quantized.byteLength)} (float32 ${kib(s.model.parameterCount * 4)})`;
    const sampler = await (quantized ?? s.model).createSampler({ tokenizer: s.tokenizer });
    try {
      const promptSpan = document.createElement('span');
      promptSpan.className = 'prompt';
      promptSpan.textContent = el.prompt.value;
      if (options.numBeams !== undefined) {
        const result = await sampler.generate({ ...options, signal: genAbort.signal });
        out.replaceChildren(...result.sequences.map((seq, i) => {
          const block = document.createElement('span');
          block.className = 'beam';
          const head = promptSpan.cloneNode(true);
          block.append(`#${i + 1} (score ${seq.score?.toFixed(3)}): `, head, seq.text ?? '');
          return block;
        }));
        const reason = result.sequences[0]?.finishReason;
        const why = reason === 'context-full' ? ` (the model sees ${s.model.config.blockSize} tokens; beam search does not slide past them)` : '';
        say(el.genStatus, `Beam search: ${result.sequences.length} sequence(s), the first ended by ${reason}${why}; ${weights}.`);
      } else {
        const text = document.createTextNode('');
        out.append(promptSpan, text);
        const started = performance.now();
        let tokens = 0;
        const stream = sampler.stream({ ...options, signal: genAbort.signal });
        let reason = '';
        for (;;) {
          const next = await stream.next();
          if (next.done) {
            reason = next.value.sequences[0]?.finishReason ?? '';
            break;
          }
          tokens++;
          text.appendData(next.value.text);
        }
        const seconds = (performance.now() - started) / 1000;
        say(el.genStatus, `${tokens} tokens in ${seconds.toFixed(1)} s (${Math.round(tokens / seconds)} tokens/s), ended by ${reason}; ${weights}.`);
      }
    } finally {
      await sampler.dispose();
      await quantized?.dispose();
    }
  } catch (err) {
    const aborted = genAbort.signal.aborted;
    say(el.genStatus, aborted ? 'Stopped.' : errorText(err), !aborted);
  } finally {
    busy = undefined;
    genAbort = undefined;
    refreshButtons();
  }
}

// ---- save and load --------------------------------------------------------------------------------------------

const OPFS_DIR = 'wasm-gpt-playground';
const CHECKPOINT_DIR = 'checkpoint';
const PAGE_FILE = 'playground.json';
const TOKENIZER_FILE = 'tokenizer.json';
const PAGE_FORMAT = 'wasm-gpt-playground';

interface PageFile {
  format: typeof PAGE_FORMAT;
  version: 1;
  settings: Settings;
  losses: { train: Point[]; val: Point[] };
}

/** Everything a save holds, by file name: the checkpoint (with the trainer's state once trained) and the page's files. */
async function sessionFiles(s: Session): Promise<Map<string, Uint8Array>> {
  const files = await s.model.toCheckpoint(s.trainer);
  const encoder = new TextEncoder();
  files.set(TOKENIZER_FILE, encoder.encode(s.tokenizer.save()));
  const page: PageFile = { format: PAGE_FORMAT, version: 1, settings: s.settings, losses: { train: chart.train, val: chart.val } };
  files.set(PAGE_FILE, encoder.encode(JSON.stringify(page)));
  return files;
}

/** A session from saved files (checkpoint + tokenizer.json, and playground.json when there). Takes the bytes. */
async function restore(files: Map<string, Uint8Array>, source: string): Promise<void> {
  const w = await workerReady;
  const tokenizerBytes = files.get(TOKENIZER_FILE);
  if (tokenizerBytes === undefined) throw new Error(`${source}: no ${TOKENIZER_FILE} (the page needs the tokenizer the model was trained with)`);
  const tokenizer = loadTokenizer(new TextDecoder().decode(tokenizerBytes));
  let page: PageFile | undefined;
  const pageBytes = files.get(PAGE_FILE);
  if (pageBytes !== undefined) {
    const parsed = JSON.parse(new TextDecoder().decode(pageBytes)) as PageFile;
    if (parsed?.format !== PAGE_FORMAT) throw new Error(`${source}: ${PAGE_FILE} is not a playground file`);
    page = parsed;
  }
  files.delete(TOKENIZER_FILE);
  files.delete(PAGE_FILE);
  const { model, state } = await w.loadCheckpoint(files);
  if (model.config.vocabSize !== tokenizer.vocabSize) {
    await model.dispose();
    throw new Error(`${source}: the tokenizer has ${tokenizer.vocabSize} tokens, the model ${model.config.vocabSize}`);
  }
  const old = session;
  session = undefined;
  await old?.model.dispose();
  chart.clear();
  const settings: Settings = page?.settings ?? { preset: DEFAULT_PRESET, batchSize: 16, lr: 3e-3, seed: 1, text: '' };
  el.sample.value = 'own';
  el.text.value = settings.text;
  describeText();
  document.querySelector<HTMLInputElement>(`input[name="preset"][value="${settings.preset}"]`)?.click();
  el.batch.value = String(settings.batchSize);
  el.lr.value = String(settings.lr);
  el.trainSeed.value = String(settings.seed);
  for (const p of page?.losses.train ?? []) chart.add('train', p);
  for (const p of page?.losses.val ?? []) chart.add('val', p);
  const lastTrain = page?.losses.train.at(-1);
  el.stats.step.textContent = lastTrain ? String(lastTrain.step) : '–';
  el.stats.loss.textContent = lastTrain ? lastTrain.loss.toFixed(3) : '–';
  el.stats.val.textContent = page?.losses.val.at(-1)?.loss.toFixed(3) ?? '–';
  const blockSize = PRESETS[settings.preset]?.model.blockSize ?? model.config.blockSize;
  let split: { train: Uint16Array; val?: Uint16Array } | undefined;
  try {
    split = settings.text.length > 0 ? splitTokens(tokenizer, settings.text, blockSize) : undefined;
  } catch {
    split = undefined;
  }
  session = { model, tokenizer, settings, pendingState: split ? state : undefined, trainTokens: split?.train ?? new Uint16Array(0), valTokens: split?.val };
  setLocked(true);
  const step = (state?.meta as { step?: number } | undefined)?.step;
  const resumable = split !== undefined && state !== undefined;
  say(el.trainStatus, resumable ? `Loaded at step ${step}: training continues exactly from there.` : 'Loaded the weights (no training state or text: generation only).');
}

async function opfsDirectory(create: boolean): Promise<OPFSDirectory> {
  const root = (await navigator.storage.getDirectory()) as unknown as OPFSDirectory;
  return root.getDirectoryHandle(OPFS_DIR, { create });
}

async function io(action: () => Promise<string>): Promise<void> {
  busy = 'io';
  refreshButtons();
  say(el.saveStatus, 'Working…');
  try {
    say(el.saveStatus, await action());
  } catch (err) {
    say(el.saveStatus, errorText(err), true);
  } finally {
    busy = undefined;
    refreshButtons();
  }
}

async function saveOpfs(): Promise<string> {
  const s = session!;
  const files = await sessionFiles(s);
  const dir = await opfsDirectory(true);
  const ck = decodeCheckpoint(files);
  await saveCheckpointOPFS(CHECKPOINT_DIR, ck.dims, ck.params, ck.state, dir);
  const w = await (await dir.getFileHandle(PAGE_FILE, { create: true })).createWritable();
  await w.write(files.get(PAGE_FILE)!);
  await w.close();
  const t = await (await dir.getFileHandle(TOKENIZER_FILE, { create: true })).createWritable();
  await t.write(files.get(TOKENIZER_FILE)!);
  await t.close();
  const step = s.trainer ? (await s.trainer.status()).stepCount : 0;
  return `Saved in this browser (origin-private storage) at step ${step}.`;
}

async function loadOpfs(): Promise<string> {
  let dir: OPFSDirectory;
  try {
    dir = await opfsDirectory(false);
  } catch {
    throw new Error('Nothing saved in this browser yet.');
  }
  const ck = await loadCheckpointOPFS(CHECKPOINT_DIR, dir);
  const files = encodeCheckpoint(ck.dims, ck.params, ck.state);
  for (const name of [PAGE_FILE, TOKENIZER_FILE]) {
    try {
      files.set(name, new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer()));
    } catch {
      // restore() names what is missing
    }
  }
  await restore(files, 'browser storage');
  return 'Loaded from this browser.';
}

let downloadUrls: string[] = [];

async function download(): Promise<string> {
  const files = await sessionFiles(session!);
  for (const url of downloadUrls) URL.revokeObjectURL(url);
  downloadUrls = [];
  const links = [...files].map(([name, bytes]) => {
    const a = document.createElement('a');
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: name.endsWith('.json') ? 'application/json' : 'application/octet-stream' }));
    downloadUrls.push(url);
    Object.assign(a, { href: url, download: name, textContent: `${name} (${(bytes.length / 1024).toFixed(0)} KiB)` });
    return a;
  });
  el.downloads.replaceChildren(...links);
  for (const a of links) a.click();
  return `${links.length} files: keep them together; "Upload files…" takes them back (select all of them).`;
}

async function upload(list: FileList): Promise<string> {
  const files = new Map<string, Uint8Array>();
  for (const file of list) files.set(file.name, new Uint8Array(await file.arrayBuffer()));
  await restore(files, 'the uploaded files');
  return `Loaded ${list.length} files.`;
}

// ---- wiring -------------------------------------------------------------------------------------------------

el.sample.addEventListener('change', showSample);
el.text.addEventListener('input', () => {
  el.sample.value = 'own';
  describeText();
});
el.train.addEventListener('click', () => void train());
el.stopTrain.addEventListener('click', () => trainAbort?.abort());
el.reset.addEventListener('click', () => void resetSession());
el.generate.addEventListener('click', () => void generate());
el.stopGen.addEventListener('click', () => genAbort?.abort());
for (const radio of document.querySelectorAll('input[name="mode"]')) radio.addEventListener('change', showMode);
el.saveOpfs.addEventListener('click', () => void io(saveOpfs));
el.loadOpfs.addEventListener('click', () => void io(loadOpfs));
el.download.addEventListener('click', () => void io(download));
el.upload.addEventListener('change', () => {
  const list = el.upload.files;
  if (list !== null && list.length > 0) void io(() => upload(list)).finally(() => (el.upload.value = ''));
});
window.addEventListener('resize', () => chart.draw());

if (MOBY_DICK.length === 0) el.sample.querySelector('option[value="moby"]')?.remove();
showSample();
applyPresetDefaults();
showMode();
refreshButtons();

/** For the end-to-end test and the curious: the page's live state (read-only use). */
(window as unknown as { playground: unknown }).playground = {
  workerReady,
  get capabilities() {
    return worker?.capabilities;
  },
  get busy() {
    return busy;
  },
  chart,
};
