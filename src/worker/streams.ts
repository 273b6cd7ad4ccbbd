import { expose, type Endpoint } from 'comlink';
import type { Link } from './link.js';

/**
 * Runs `call` with a port on which the worker streams events to `sink` (no port without a sink), and asks the
 * worker to abort when `signal` fires. The sink's port is released afterwards so Node can exit.
 */
export async function callWithEvents<R>(
  link: Link, sink: object | undefined, signal: AbortSignal | undefined, abort: () => Promise<void>,
  call: (events: MessagePort | undefined) => Promise<R>,
): Promise<R> {
  let events: MessagePort | undefined;
  let sinkPort: MessagePort | undefined;
  if (sink !== undefined) {
    const channel = new MessageChannel();
    expose(sink, channel.port1 as unknown as Endpoint);
    link.adopt(channel.port1);
    sinkPort = channel.port1;
    events = channel.port2;
  }
  const onAbort = () => {
    link.call(abort).catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await call(events);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (sinkPort !== undefined) link.forget(sinkPort);
  }
}

/**
 * Turns a callback-driven call into an async generator. The call gets its own signal, so that leaving the loop
 * early can stop the work in the worker without aborting the caller's signal; the generator waits for the call
 * to settle before it returns, so nothing keeps running behind the caller's back.
 */
export async function* streamEvents<E, R>(
  signal: AbortSignal | undefined, start: (stop: AbortSignal, push: (event: E) => void) => Promise<R>,
): AsyncGenerator<E, R, undefined> {
  const queue: E[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: unknown;
  let result: R | undefined;
  const stop = new AbortController();
  const forward = () => stop.abort(signal?.reason);
  if (signal?.aborted) forward();
  signal?.addEventListener('abort', forward, { once: true });
  const done = start(stop.signal, (event) => {
    queue.push(event);
    wake?.();
  }).then(
    (r) => {
      result = r;
    },
    (err: unknown) => {
      failure = err;
    },
  ).finally(() => {
    finished = true;
    wake?.();
  });
  try {
    for (;;) {
      const event = queue.shift();
      if (event !== undefined) yield event;
      else if (finished) break;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failure !== undefined) throw failure;
    return result as R;
  } finally {
    signal?.removeEventListener('abort', forward);
    if (!finished) stop.abort();
    await done;
  }
}
