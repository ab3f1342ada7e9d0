import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Line {
  /** 1-based line number. */
  n: number;
  text: string;
}

/** Stream the lines of a text file (UTF-8; a BOM and CR line ends are dropped). */
export async function* readLines(path: string): AsyncGenerator<Line> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const raw of rl) {
      n++;
      let text = raw;
      if (n === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      yield { n, text };
    }
  } finally {
    rl.close();
  }
}

/** Split a TSV line; a trailing CR is already gone. */
export function splitTsv(text: string): string[] {
  return text.split('\t');
}
