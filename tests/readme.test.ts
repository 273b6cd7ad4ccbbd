/** The README's Node example must run as written (it imports 'wasm-gpt', which resolves to this package). */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('README', () => {
  it('the Node example runs and reports its capabilities', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Using it from Node'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code, 'no ```ts block under "Using it from Node"').toBeDefined();
    const file = `${root}readme-example.${process.pid}.tmp.mjs`;
    writeFileSync(file, code as string);
    try {
      const res = spawnSync(process.execPath, [file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      expect(res.stdout).toMatch(/artifact: 'threads-simd'/);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
