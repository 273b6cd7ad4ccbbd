import { transfer } from 'comlink';
import type { TrainingState } from '../checkpoint/index.js';
import type { ScheduleSpec } from '../train/schedule.js';
import type { RunOptions, TrainerState, TrainEvent, TrainOptions, TrainSummary } from '../train/trainer.js';
import type { Client, Link } from './link.js';
import type { CheckpointFiles, Handle, TrainerApi, TrainerInfo, TrainerStatus, TrainEventsApi } from './protocol.js';
import type { RemoteGPT } from './remote-gpt.js';
import { ServedObject } from './served.js';
import { callWithEvents, streamEvents } from './streams.js';
import { transferable } from './transfer.js';

/** How `RemoteGPT.toCheckpoint(trainer)` reaches a trainer's worker side without widening its public surface. */
export const trainerCheckpoints = new WeakMap<RemoteTrainer, () => Promise<CheckpointFiles>>();

/** A `Trainer` running in the worker. Methods mirror `Trainer`'s, as promises. */
export class RemoteTrainer implements Pick<Client<TrainerApi>, 'step' | 'evaluate' | 'getState' | 'dispose'> {
  readonly model: RemoteGPT;
  readonly batchSize: number;
  readonly blockSize: number;
  readonly gradAccumSteps: number;
  readonly schedule: ScheduleSpec;
  readonly #end: ServedObject<TrainerApi>;

  /** @internal */
  constructor(link: Link, model: RemoteGPT, handle: Handle<TrainerApi, TrainerInfo>) {
    this.#end = new ServedObject(link, handle, 'RemoteTrainer: this trainer was disposed');
    this.model = model;
    ({ batchSize: this.batchSize, blockSize: this.blockSize, gradAccumSteps: this.gradAccumSteps, schedule: this.schedule } = handle.info);
    trainerCheckpoints.set(this, () => this.#end.call(() => this.#end.remote.toCheckpoint()));
  }

  step() {
    return this.#end.call(() => this.#end.remote.step());
  }

  evaluate(batches?: number) {
    return this.#end.call(() => this.#end.remote.evaluate(batches));
  }

  /** Steps done so far and the learning rate of the next one. */
  status(): Promise<TrainerStatus> {
    return this.#end.call(() => this.#end.remote.status());
  }

  /**
   * `Trainer.train` in the worker: the callbacks run here, on this thread, in step order, all before the promise
   * resolves; `signal` stops training between two steps. A callback that throws stops training and rejects.
   */
  async train({ steps, signal, onStep, onEval }: TrainOptions): Promise<TrainSummary> {
    this.#end.live();
    const sink: TrainEventsApi | undefined = onStep === undefined && onEval === undefined ? undefined : {
      event(ev: TrainEvent) {
        if (ev.type === 'step') onStep?.(ev);
        else onEval?.(ev);
      },
    };
    return callWithEvents(this.#end.link, sink, signal, () => this.#end.remote.abort(), (events) => {
      const options = { steps, aborted: signal?.aborted === true, events };
      return this.#end.call(() => this.#end.remote.train(events ? transfer(options, [events]) : options));
    });
  }

  /** `Trainer.run` in the worker: step and eval events as an async iterator; leaving the loop early stops training. */
  async *run({ steps, signal }: RunOptions): AsyncGenerator<TrainEvent> {
    yield* streamEvents<TrainEvent, TrainSummary>(signal, (stop, push) =>
      this.train({ steps, signal: stop, onStep: (s) => push({ ...s, type: 'step' }), onEval: (e) => push({ ...e, type: 'eval' }) }));
  }

  /** Moments and metadata; the moments arrive transferred. */
  getState() {
    return this.#end.call(() => this.#end.remote.getState());
  }

  /**
   * Continues from `getState()` output, or from the `state` of `GPTWorker.loadCheckpoint`. Transfers the two
   * moment arrays (they are detached afterwards).
   */
  setState(state: TrainerState | TrainingState): Promise<void> {
    return this.#end.call(() => {
      const m = state?.tensors?.['adamw.m'];
      const v = state?.tensors?.['adamw.v'];
      if (!(m instanceof Float32Array) || !(v instanceof Float32Array)) return this.#end.remote.setState(state as TrainerState); // the worker names what is wrong
      // Decoded checkpoint moments may share one buffer: transferring it twice would throw.
      const mv = transferable(m);
      const vv = m.buffer === v.buffer ? v.slice() : transferable(v);
      const moved = { ...state, tensors: { 'adamw.m': mv, 'adamw.v': vv } } as TrainerState;
      return this.#end.remote.setState(transfer(moved, [mv.buffer, vv.buffer]));
    });
  }

  /** Frees the trainer in the worker (the model stays usable). */
  dispose(): Promise<void> {
    return this.#end.dispose();
  }


}
