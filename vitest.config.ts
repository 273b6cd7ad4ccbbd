import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // wasm instances with worker pools are heavy; keep files in separate forks but not too many at once on 2 cores
    pool: 'forks',
    maxWorkers: 2,
  },
});
