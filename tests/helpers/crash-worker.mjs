// The real gpt-worker, plus ways for tests to make it die on request (raw messages that comlink ignores).
import { parentPort } from 'node:worker_threads';
import '../../dist/worker/gpt-worker.js';

parentPort.on('message', (msg) => {
  const how = msg?.crashTest;
  if (how === 'throw') setTimeout(() => { throw new Error('boom from inside the worker'); });
  if (how === 'exit') process.exit(7);
  if (how === 'oom') {
    const hoard = [];
    for (;;) hoard.push(new Array(1 << 16).fill({ x: hoard.length }));
  }
});
