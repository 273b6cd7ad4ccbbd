/**
 * Learning-rate schedules as pure functions of the step, so a resumed run gets the same rates without saving
 * any schedule state. `step` is the 0-based index of the optimizer update.
 *
 * Every schedule takes an optional linear warmup: for step < warmupSteps the rate is
 * lr · (step + 1) / warmupSteps, after which the decay starts from lr at step = warmupSteps.
 */
import { ConfigError, describeValue } from '../errors.js';
import { rejectUnknownKeys } from '../options.js';

interface WarmupOption {
  /** Steps of linear warmup from lr / warmupSteps up to lr (default 0). */
  warmupSteps?: number;
}

export type ScheduleSpec =
  | ({ kind: 'constant'; lr: number } & WarmupOption)
  /** Half a cosine from lr down to minLr, reached at `totalSteps` (warmup included), minLr afterwards. */
  | ({ kind: 'cosine'; lr: number; minLr?: number; totalSteps: number } & WarmupOption)
  /** Straight line from lr down to minLr at `totalSteps` (warmup included), minLr afterwards. */
  | ({ kind: 'linear'; lr: number; minLr?: number; totalSteps: number } & WarmupOption)
  /** lr · gamma^⌊(step - warmup) / stepSize⌋. */
  | ({ kind: 'step'; lr: number; stepSize: number; gamma: number } & WarmupOption)
  /** lr · gamma^(step - warmup). */
  | ({ kind: 'exponential'; lr: number; gamma: number } & WarmupOption);

const KEYS: Record<ScheduleSpec['kind'], string[]> = {
  constant: ['lr'],
  cosine: ['lr', 'minLr', 'totalSteps'],
  linear: ['lr', 'minLr', 'totalSteps'],
  step: ['lr', 'stepSize', 'gamma'],
  exponential: ['lr', 'gamma'],
};

function bad(key: string, what: string, value: unknown): never {
  throw new ConfigError(`schedule.${key}`, `schedule.${key} must be ${what}, got ${describeValue(value)}`);
}

/** Checks a spec once (the Trainer calls this up front); throws `ConfigError` naming the key. */
export function validateSchedule(spec: ScheduleSpec): void {
  if (spec === null || typeof spec !== 'object') bad('kind', 'an object with a kind', spec);
  const allowed = KEYS[spec.kind];
  if (allowed === undefined) bad('kind', `one of ${Object.keys(KEYS).map((k) => `'${k}'`).join(', ')}`, spec.kind);
  rejectUnknownKeys(`a '${spec.kind}' schedule`, spec, new Set(['kind', ...allowed, 'warmupSteps']), 'schedule.');
  const s = spec as unknown as Record<string, unknown>;
  if (typeof s.lr !== 'number' || !(s.lr >= 0) || !Number.isFinite(s.lr)) bad('lr', 'a finite number ≥ 0', s.lr);
  const warmup = s.warmupSteps ?? 0;
  if (!Number.isInteger(warmup) || (warmup as number) < 0) bad('warmupSteps', 'an integer ≥ 0', warmup);
  if (s.minLr !== undefined && (typeof s.minLr !== 'number' || !(s.minLr >= 0) || s.minLr > (s.lr as number))) {
    bad('minLr', `a number in [0, lr = ${s.lr}]`, s.minLr);
  }
  if ('totalSteps' in s || spec.kind === 'cosine' || spec.kind === 'linear') {
    if (!Number.isInteger(s.totalSteps) || (s.totalSteps as number) <= (warmup as number)) {
      bad('totalSteps', `an integer > warmupSteps (${warmup})`, s.totalSteps);
    }
  }
  if (spec.kind === 'step' && (!Number.isInteger(s.stepSize) || (s.stepSize as number) < 1)) bad('stepSize', 'a positive integer', s.stepSize);
  if ((spec.kind === 'step' || spec.kind === 'exponential') && (typeof s.gamma !== 'number' || !(s.gamma > 0 && s.gamma <= 1))) {
    bad('gamma', 'a number in (0, 1]', s.gamma);
  }
}

/** The learning rate of update `step` (0-based). */
export function learningRate(spec: ScheduleSpec, step: number): number {
  const warmup = spec.warmupSteps ?? 0;
  if (step < warmup) return (spec.lr * (step + 1)) / warmup;
  const t = step - warmup;
  switch (spec.kind) {
    case 'constant':
      return spec.lr;
    case 'cosine':
    case 'linear': {
      const minLr = spec.minLr ?? 0;
      const progress = Math.min(1, t / (spec.totalSteps - warmup));
      const shape = spec.kind === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
      return minLr + (spec.lr - minLr) * shape;
    }
    case 'step':
      return spec.lr * spec.gamma ** Math.floor(t / spec.stepSize);
    case 'exponential':
      return spec.lr * spec.gamma ** t;
  }
}
