#!/usr/bin/env node
/**
 * `wasm-gpt`: prepare data, train, sample, benchmark and inspect from the command line.
 * Exit codes: 0 success, 1 runtime error (bad file, failed training), 2 usage error (bad flag or value),
 * 130 interrupted (Ctrl-C; `train` saves its checkpoint first).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { formatHelp, parseCommandArgs, UsageError, type Command } from './args.js';
import { benchAvailable, benchCommand } from './commands/bench.js';
import { infoCommand } from './commands/info.js';
import { quantizeCommand } from './commands/quantize.js';
import { prepareCommand } from './commands/prepare.js';
import { sampleCommand } from './commands/sample.js';
import { trainCommand } from './commands/train.js';

// `bench` runs bench/ of a source checkout; an installed package has none, so it does not offer the command.
const COMMANDS: Command[] = [prepareCommand, trainCommand, sampleCommand, quantizeCommand, ...(benchAvailable() ? [benchCommand] : []), infoCommand];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'wasm-gpt: train and run GPT models in WebAssembly',
    '',
    'Usage: wasm-gpt <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run `wasm-gpt <command> --help` for a command\'s options.',
    'Quick start (any text file; a book-length one gives readable samples):',
    '  wasm-gpt prepare book.txt --out data/book',
    '  wasm-gpt train --data data/book --out ckpt --time 2m',
    '  wasm-gpt sample -c ckpt -p "The" --top-p 0.9',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const command = name === 'help' && rest[0] ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(command ? formatHelp(command) : overview());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)} (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see wasm-gpt --help)`);
    const args = parseCommandArgs(command, rest);
    if (args === 'help') {
      process.stdout.write(formatHelp(command));
      return 0;
    }
    return (await command.run(args)) ?? 0;
  } catch (e) {
    const prefix = command ? `wasm-gpt ${command.name}` : 'wasm-gpt';
    // A ConfigError from the library is a bad option value too (e.g. --n-head not dividing --n-embd).
    if (e instanceof UsageError || e instanceof ConfigError) {
      process.stderr.write(`${prefix}: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`${prefix}: ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message.split('\n')[0]}\n`);
    if (process.env.WASM_GPT_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}

// Worker threads of the wasm pool keep the event loop alive: exit explicitly once the command is done.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`wasm-gpt: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
