/** Checks shared by every option bag the library accepts (model, config, trainer, schedule, sampler, worker). */
import { ConfigError } from './errors.js';

/**
 * Throws a `ConfigError` for the first key of `options` that is not in `known`, e.g.
 * `Trainer: unknown option "lr_max" (known: lr, betas, ...)`. `keyPrefix` names nested bags (`schedule.`).
 */
export function rejectUnknownKeys(owner: string, options: object, known: ReadonlySet<string>, keyPrefix = ''): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new ConfigError(`${keyPrefix}${key}`, `${owner}: unknown option ${JSON.stringify(key)} (known: ${[...known].join(', ')})`);
    }
  }
}
