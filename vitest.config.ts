import { defineConfig } from 'vitest/config';
import { relaxedSimdSupported } from './src/wasm/artifacts.js';

// Node 20 runs the relaxed-SIMD artifacts only with this V8 flag (Node >= 22 validates them without it, and may
// not know the flag any more, so it is passed only where needed). It goes to a separate project, so the other
// files keep testing what a plain `node` process loads: the SIMD128 artifacts.
const relaxedExecArgv = relaxedSimdSupported() ? [] : ['--experimental-wasm-relaxed-simd'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // wasm instances with worker pools are heavy; keep files in separate forks but not too many at once on 2 cores
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['tests/**/*.test.ts'], exclude: ['tests/**/*.relaxed.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'relaxed-simd',
          // wasm-exports runs here too: the relaxed artifacts' exports can only be listed where they compile.
          include: ['tests/**/*.relaxed.test.ts', 'tests/wasm-exports.test.ts'],
          execArgv: relaxedExecArgv,
        },
      },
    ],
  },
});
