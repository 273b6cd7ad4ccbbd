import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run src/ in Node: the `node` branch of package.json's `#platform`, from source rather than dist/.
    alias: { '#platform': fileURLToPath(new URL('./src/platform/node.ts', import.meta.url)) },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // wasm instances with worker pools are heavy; keep files in separate forks but not too many at once on 2 cores
    pool: 'forks',
    maxWorkers: 2,
  },
});
