import { createReadStream } from 'node:fs';

export interface Line {
  /** 1-based line number. */
  n: number;
  text: string;
}

/**
 * Stream the lines of a text file (UTF-8; a BOM and CR line ends are dropped). Lines are cut from 64 KiB chunks with
 * indexOf, which is several times faster than node:readline on million-row files. Chunks stay below V8's large-object
 * size, so they die young instead of piling up in the old generation (the peak RSS of a 1 GB import).
 */
export async function* readLines(path: string): AsyncGenerator<Line> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 });
  let n = 0;
  let rest = '';
  const cut = (raw: string): string => {
    let text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (n === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  };
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest === '' ? chunk : rest + chunk;
      let start = 0;
      let i: number;
      while ((i = text.indexOf('\n', start)) >= 0) {
        n++;
        yield { n, text: cut(text.slice(start, i)) };
        start = i + 1;
      }
      rest = text.slice(start);
    }
    if (rest !== '') {
      n++;
      yield { n, text: cut(rest) };
    }
  } finally {
    stream.destroy();
  }
}

/** Split a TSV line; a trailing CR is already gone. */
export function splitTsv(text: string): string[] {
  return text.split('\t');
}
