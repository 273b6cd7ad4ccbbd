import { describe, expect, it } from 'vitest';
import { ConfigError, learningRate, validateSchedule, type ScheduleSpec } from '../src/index.js';

describe('learning-rate schedules', () => {
  it('constant, with linear warmup', () => {
    const s: ScheduleSpec = { kind: 'constant', lr: 1e-3, warmupSteps: 4 };
    expect([0, 1, 2, 3, 4, 100].map((t) => learningRate(s, t))).toEqual([2.5e-4, 5e-4, 7.5e-4, 1e-3, 1e-3, 1e-3]);
  });

  it('cosine goes from lr after warmup to minLr at totalSteps and stays there', () => {
    const s: ScheduleSpec = { kind: 'cosine', lr: 1, minLr: 0.1, totalSteps: 110, warmupSteps: 10 };
    expect(learningRate(s, 9)).toBe(1);
    expect(learningRate(s, 10)).toBe(1);
    expect(learningRate(s, 60)).toBeCloseTo(0.55, 12); // halfway: minLr + (lr - minLr) / 2
    expect(learningRate(s, 110)).toBeCloseTo(0.1, 12);
    expect(learningRate(s, 500)).toBeCloseTo(0.1, 12);
    for (let t = 10; t < 110; t++) expect(learningRate(s, t + 1)).toBeLessThanOrEqual(learningRate(s, t));
  });

  it('linear, step and exponential decay', () => {
    expect(learningRate({ kind: 'linear', lr: 1, totalSteps: 4 }, 1)).toBe(0.75);
    expect(learningRate({ kind: 'linear', lr: 1, minLr: 0.2, totalSteps: 4 }, 4)).toBeCloseTo(0.2, 12);
    const step: ScheduleSpec = { kind: 'step', lr: 1, stepSize: 3, gamma: 0.5, warmupSteps: 2 };
    expect([2, 4, 5, 8, 11].map((t) => learningRate(step, t))).toEqual([1, 1, 0.5, 0.25, 0.125]);
    expect(learningRate({ kind: 'exponential', lr: 2, gamma: 0.9 }, 3)).toBeCloseTo(2 * 0.729, 12);
  });

  it('is a pure function of the step', () => {
    const s: ScheduleSpec = { kind: 'cosine', lr: 3e-4, totalSteps: 1000, warmupSteps: 100 };
    const forward = Array.from({ length: 50 }, (_, i) => learningRate(s, i * 20));
    const backward = Array.from({ length: 50 }, (_, i) => learningRate(s, (49 - i) * 20)).reverse();
    expect(forward).toEqual(backward);
  });

  it('rejects bad specs naming the key', () => {
    const key = (spec: unknown) => {
      try {
        validateSchedule(spec as ScheduleSpec);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).key;
      }
      return 'none';
    };
    expect(key({ kind: 'cosine', lr: 1 })).toBe('schedule.totalSteps');
    expect(key({ kind: 'cosine', lr: 1, totalSteps: 5, warmupSteps: 5 })).toBe('schedule.totalSteps');
    expect(key({ kind: 'cosine', lr: 1, totalSteps: 5, minLr: 2 })).toBe('schedule.minLr');
    expect(key({ kind: 'step', lr: 1, stepSize: 0, gamma: 0.5 })).toBe('schedule.stepSize');
    expect(key({ kind: 'exponential', lr: 1, gamma: 1.5 })).toBe('schedule.gamma');
    expect(key({ kind: 'constant', lr: -1 })).toBe('schedule.lr');
    expect(key({ kind: 'constant', lr: 1, gamma: 0.5 })).toBe('schedule.gamma');
    expect(key({ kind: 'sawtooth', lr: 1 })).toBe('schedule.kind');
    expect(key({ kind: 'constant', lr: 1, warmupSteps: 1.5 })).toBe('schedule.warmupSteps');
    expect(key({ kind: 'constant', lr: 1e-3 })).toBe('none');
  });
});
