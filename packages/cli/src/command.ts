import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.ts';

/** Where a command writes; tests and the server can capture it. */
export interface Io {
  stdout: (text: string) => void;
  /**
   * Write to stdout and resolve once the stream can take more (back-pressure: a slow reader of a pipe slows the
   * producer instead of letting output pile up in memory). Absent in captured Io (tests): `stdout` is used.
   */
  stdoutAsync?: (text: string) => Promise<void>;
  stderr: (text: string) => void;
  /** True when stderr is an interactive terminal (progress indicators only then). */
  stderrIsTTY: boolean;
  cwd: string;
}

export interface Command {
  name: string;
  summary: string;
  /** Full `--help` text. */
  help: string;
  run(args: string[], io: Io): Promise<number> | number;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parse a command's flags strictly. Unknown flags and missing values become a UsageError naming the flag;
 * `--help` is handled by the caller through the returned `help` value.
 */
export function parseFlags<O extends Options>(command: string, args: string[], options: O, allowPositionals = false) {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
    return parsed;
  } catch (e) {
    const msg = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/\.$/, '');
    throw new UsageError(`${msg} (see 'her2scope ${command} --help')`);
  }
}

/** Parse a numeric flag value; the error names the flag. */
export function numberFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag}: '${value}' is not a number`);
  return n;
}
