import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, type Command, type ParsedArgs } from '../args.js';

/** bench/ of the source tree (dist/cli/commands → repository root); an installed package does not ship it. */
const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench');

/** Whether this is a source checkout with benchmarks (the command is not offered otherwise). */
export function benchAvailable(): boolean {
  return available().length > 0;
}

function available(): string[] {
  if (!existsSync(benchDir)) return [];
  return readdirSync(benchDir).filter((f) => f.endsWith('.mjs') && f !== 'lib.mjs' && f !== 'run.mjs').map((f) => f.slice(0, -4)).sort();
}

export const benchCommand: Command = {
  name: 'bench',
  summary: 'run the benchmarks in bench/ (all, or the ones named)',
  usage: 'wasm-gpt bench [NAME...] [--quick] [--json FILE]',
  positionals: true,
  flags: {
    quick: { type: 'boolean', help: 'Fewer repetitions (a smoke run, numbers are rough)' },
    json: { type: 'string', value: 'FILE', help: 'Also write the results as JSON (one file per benchmark)' },
    list: { type: 'boolean', help: 'List the benchmarks and exit' },
  },
  notes: ['Benchmarks run from a source checkout (bench/ is not in the npm package). See bench/README.md.'],
  async run(args: ParsedArgs) {
    const names = available();
    if (names.length === 0) throw new UsageError(`no benchmarks at ${benchDir} (they run from a source checkout of wasm-gpt)`);
    if (args.flag('list')) {
      console.log(names.join('\n'));
      return 0;
    }
    for (const n of args.positionals) {
      if (!names.includes(n)) throw new UsageError(`unknown benchmark ${JSON.stringify(n)} (known: ${names.join(', ')})`);
    }
    const passthrough = [...(args.flag('quick') ? ['--quick'] : []), ...(args.has('json') ? ['--json', args.string('json')!] : [])];
    const scripts = args.positionals.length === 0 ? [['run.mjs', ...passthrough]] : args.positionals.map((n) => [`${n}.mjs`, ...passthrough]);
    let failed = 0;
    for (const [script, ...rest] of scripts) {
      const code = await new Promise<number>((resolve) => {
        const child = spawn(process.execPath, [join(benchDir, script), ...rest], { stdio: 'inherit' });
        child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
      });
      if (code !== 0) failed++;
    }
    return failed > 0 ? 1 : 0;
  },
};
