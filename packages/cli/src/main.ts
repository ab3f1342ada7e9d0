// Only light modules here: `her2scope --help` must start fast (see bench/startup.bench.ts); commands load lazily.
import { InputError } from '@her2scope/core/errors';
import type { Io } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { EXIT, UsageError } from './errors.ts';
import { RESEARCH_USE } from './notice.ts';

const VERSION = '0.1.0';

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: her2scope <command> [options]',
    '',
    'HER2-centred breast-cancer precision-oncology workbench.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'her2scope <command> --help' for a command's options.",
    RESEARCH_USE,
    '',
  ].join('\n');
}

export function processIo(): Io {
  // A closed pipe (`her2scope variants big.vcf | head`) is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  return {
    stdout: (t) => void process.stdout.write(t),
    stdoutAsync: (t) =>
      process.stdout.write(t)
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            // 'close' too: a closed pipe emits no 'drain' (EPIPE ends the process above).
            const done = () => {
              process.stdout.off('drain', done);
              process.stdout.off('close', done);
              resolve();
            };
            process.stdout.on('drain', done);
            process.stdout.on('close', done);
          }),
    stderr: (t) => void process.stderr.write(t),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
  };
}

/** Run the CLI; returns the exit code. Errors become one line on stderr, never a stack trace (HER2SCOPE_DEBUG=1 shows it). */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(topHelp());
    return name === undefined ? EXIT.input : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`her2scope ${VERSION}\n`);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`her2scope: unknown command '${name}' (run 'her2scope --help' for the list)\n`);
    return EXIT.input;
  }
  try {
    const command = await entry.load();
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError) {
      io.stderr(`her2scope ${name}: ${e.message}\n`);
      return EXIT.input;
    }
    if (process.env.HER2SCOPE_DEBUG) io.stderr(`${(e as Error).stack}\n`);
    io.stderr(`her2scope ${name}: internal error: ${(e as Error).message ?? String(e)} (set HER2SCOPE_DEBUG=1 for details)\n`);
    return EXIT.internal;
  }
}
