/**
 * Gives the event loop one turn (abort signals, UI, worker messages) between long synchronous pieces of work.
 * A macrotask, not a timer: browsers clamp nested `setTimeout(0)` to 4 ms, which would cost a small training
 * step or a decode step several percent.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
