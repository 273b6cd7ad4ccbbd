/**
 * One training run as the CLI and the demo drive it: a step target and/or a wall-clock budget, periodic
 * evaluation, progress display, checkpoints (periodic, at the end, and on abort), and the loss history kept
 * in the checkpoint so a resumed run continues its curve.
 *
 * A time budget with a decaying schedule needs the step count up front. The run first takes a few
 * calibration steps under the same schedule stretched to a very long horizon (so its learning rates match the
 * real schedule's first steps to ~1e-6), times them and one evaluation, sizes the schedule to the budget, and
 * continues in a trainer with that schedule from the exact state (`getState`/`setState`).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveCheckpointDir } from '../checkpoint/node.js';
import type { GPT } from '../model/gpt.js';
import type { ScheduleSpec } from '../train/schedule.js';
import { Trainer, type TrainerOptions, type TrainerState, type TrainerStateMeta } from '../train/trainer.js';
import type { LossHistory } from './loss-svg.js';
import type { ProgressBar } from './progress.js';

/** What the CLI stores in the checkpoint's training-state meta besides the trainer's own. */
export interface RunMeta {
  format: 'wasm-gpt-cli-run-1';
  /** The resolved training flags (defaults for a resumed run). */
  settings: Record<string, unknown>;
  /** Absolute path of the tokenizer the model was trained with. */
  tokenizer?: string;
  history: LossHistory;
}

export interface CheckpointMeta {
  trainer: TrainerStateMeta;
  run: RunMeta;
}

export interface RunPlan {
  gpt: GPT;
  trainerOptions: Omit<TrainerOptions, 'lr'>;
  /** The learning-rate schedule for a run of `totalSteps` optimizer steps in all. */
  schedule: (totalSteps: number) => ScheduleSpec;
  /** Absolute step count to reach (a resumed run counts the steps already done). */
  totalSteps?: number;
  /** Stop after this much wall time; sizes the schedule when `totalSteps` is not given. */
  timeBudgetMs?: number;
  resume?: TrainerState;
  history: LossHistory;
  checkpointDir?: string;
  /** Save every this many steps (0: only at the end and on abort). */
  saveEvery: number;
  /** Written beside the checkpoint (tokenizer.json) after every save. */
  extraFiles?: Record<string, string>;
  runMeta: Omit<RunMeta, 'history' | 'format'>;
  progress: ProgressBar;
  signal?: AbortSignal;
}

export interface RunResult {
  trainer: Trainer;
  /** Steps done in this run (not counting a resumed run's earlier steps). */
  steps: number;
  finalStep: number;
  totalSteps: number;
  lastLoss: number;
  finalValLoss: number | undefined;
  medianTokensPerSec: number;
  trainMs: number;
  aborted: boolean;
  schedule: ScheduleSpec;
  checkpointSaved: boolean;
}

const CALIBRATION_STEPS = 6;
const VERY_LONG = 1_000_000_000;

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export async function saveRun(dir: string, gpt: GPT, trainer: Trainer, runMeta: RunMeta, extraFiles: Record<string, string> = {}): Promise<void> {
  const state = trainer.getState();
  const meta: CheckpointMeta = { trainer: state.meta, run: runMeta };
  await saveCheckpointDir(dir, gpt.config, gpt.getParameters(), { tensors: state.tensors, meta });
  for (const [name, text] of Object.entries(extraFiles)) await writeFile(join(dir, name), text);
}

export async function runTraining(plan: RunPlan): Promise<RunResult> {
  const { gpt, progress, history, signal } = plan;
  const started = performance.now();
  const deadline = plan.timeBudgetMs === undefined ? Infinity : started + plan.timeBudgetMs;
  const startStep = plan.resume?.meta.step ?? 0;
  const evalInterval = plan.trainerOptions.evalInterval ?? 0;
  const tokensPerSec: number[] = [];
  const stepMs: number[] = [];
  let lastLoss = NaN;
  let finalValLoss: number | undefined;

  const record = (step: number, loss: number) => {
    history.train.push([step, loss]);
    lastLoss = loss;
  };

  let totalSteps = plan.totalSteps;
  let trainer: Trainer;
  if (totalSteps === undefined) {
    if (plan.timeBudgetMs === undefined) throw new RangeError('runTraining: give a step target, a time budget, or both');
    const calibration = new Trainer(gpt, { ...plan.trainerOptions, lr: plan.schedule(VERY_LONG) });
    if (plan.resume) calibration.setState(plan.resume);
    for (let i = 0; i < CALIBRATION_STEPS && !signal?.aborted; i++) {
      const info = calibration.step();
      record(info.step, info.loss);
      // The first step pays for JIT tiering and scratch growth: leave it out of the rate.
      if (i > 0) stepMs.push((1000 * plan.trainerOptions.batchSize * (plan.trainerOptions.blockSize ?? gpt.config.blockSize) * (plan.trainerOptions.gradAccumSteps ?? 1)) / info.tokensPerSec);
      tokensPerSec.push(info.tokensPerSec);
      progress.update({ step: info.step, loss: info.loss, tokensPerSec: info.tokensPerSec });
      await new Promise((resolve) => setImmediate(resolve));
    }
    let evalMs = 0;
    if (evalInterval > 0 && plan.trainerOptions.valData !== undefined) {
      const t0 = performance.now();
      const ev = calibration.evaluate();
      evalMs = performance.now() - t0;
      history.val.push([ev.step, ev.valLoss]);
      progress.update({ step: ev.step, loss: lastLoss, valLoss: ev.valLoss, tokensPerSec: tokensPerSec[tokensPerSec.length - 1] }, true);
    }
    const msPerStep = median(stepMs) + (evalInterval > 0 ? evalMs / evalInterval : 0);
    // Keep back the final evaluation and the checkpoint write (≈ one eval plus a few steps' worth).
    const left = deadline - performance.now() - evalMs - 3 * msPerStep;
    const done = calibration.stepCount;
    totalSteps = Math.max(done + 1, done + Math.floor(left / msPerStep));
    const state = calibration.getState();
    calibration.dispose();
    trainer = new Trainer(gpt, { ...plan.trainerOptions, lr: plan.schedule(totalSteps) });
    trainer.setState(state);
  } else {
    trainer = new Trainer(gpt, { ...plan.trainerOptions, lr: plan.schedule(totalSteps) });
    if (plan.resume) trainer.setState(plan.resume);
  }
  progress.totalSteps = totalSteps;

  const runMeta = (): RunMeta => ({
    format: 'wasm-gpt-cli-run-1', ...plan.runMeta, settings: { ...plan.runMeta.settings, steps: totalSteps }, history,
  });
  const save = async () => {
    if (plan.checkpointDir === undefined) return false;
    await saveRun(plan.checkpointDir, gpt, trainer, runMeta(), plan.extraFiles);
    return true;
  };

  let aborted = false;
  let checkpointSaved = false;
  while (trainer.stepCount < totalSteps) {
    if (signal?.aborted) {
      aborted = true;
      break;
    }
    if (performance.now() >= deadline) break;
    const info = trainer.step();
    record(info.step, info.loss);
    tokensPerSec.push(info.tokensPerSec);
    stepMs.push((trainer.batchSize * trainer.blockSize * trainer.gradAccumSteps * 1000) / info.tokensPerSec);
    let valLoss: number | undefined;
    if (evalInterval > 0 && plan.trainerOptions.valData !== undefined && info.step % evalInterval === 0 && info.step < totalSteps) {
      valLoss = trainer.evaluate().valLoss;
      history.val.push([info.step, valLoss]);
    }
    const recent = median(stepMs.slice(-20));
    const etaMs = Math.max(0, Math.min(deadline - performance.now(), (totalSteps - info.step) * recent));
    // One step's rate jumps with every hiccup of a shared machine; the display shows the recent median.
    progress.update({ step: info.step, loss: info.loss, valLoss, tokensPerSec: median(tokensPerSec.slice(-20)), etaMs }, valLoss !== undefined);
    if (plan.saveEvery > 0 && info.step % plan.saveEvery === 0 && info.step < totalSteps) {
      checkpointSaved = await save();
    }
    // Lets SIGINT handlers and other callbacks run between steps.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const trainMs = performance.now() - started;
  if (!aborted) {
    // A time budget ends a few steps off its estimate; the run is complete all the same, so the bar ends full.
    progress.totalSteps = trainer.stepCount;
    let valLoss: number | undefined;
    if (plan.trainerOptions.valData !== undefined) {
      const ev = trainer.evaluate();
      valLoss = finalValLoss = ev.valLoss;
      if (history.val.at(-1)?.[0] !== ev.step) history.val.push([ev.step, ev.valLoss]);
    }
    progress.update({ step: trainer.stepCount, loss: lastLoss, valLoss, tokensPerSec: median(tokensPerSec), etaMs: 0 }, true);
  }
  progress.done();
  if (plan.checkpointDir !== undefined) checkpointSaved = await save();
  return {
    trainer,
    steps: trainer.stepCount - startStep,
    finalStep: trainer.stepCount,
    totalSteps,
    lastLoss,
    finalValLoss,
    medianTokensPerSec: median(tokensPerSec),
    trainMs,
    aborted,
    schedule: trainer.schedule,
    checkpointSaved,
  };
}
