#!/usr/bin/env node
// Derive GPT-2's vocab.json, merges.txt and tokenizer.json from the r50k_base ranks that the dev dependency
// gpt-tokenizer ships (GPT-2 and GPT-3 use that vocabulary). Merges are recovered from the ranks.
// Build first: npx tsc -p tsconfig.json     Run: node scripts/make-gpt2-vocab.mjs [OUT_DIR]
// OUT_DIR defaults to tests/fixtures/gpt2 (≈2.9 MB in all: generated, not committed).
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTiktokenFile, saveTokenizer } from '../dist/tokenizer/node-io.js';

const require = createRequire(import.meta.url);
const ranksPath = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data', 'r50k_base.tiktoken');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, 'tests', 'fixtures', 'gpt2'));

const tokenizer = await loadTiktokenFile(ranksPath, { specialTokens: { '<|endoftext|>': 50256 } });
const written = await saveTokenizer(tokenizer, outDir);
console.log(`GPT-2 vocabulary: ${tokenizer.vocabSize} tokens, ${tokenizer.mergeCount} merges`);
for (const path of written) console.log(`wrote ${path}`);
