/**
 * Flesch-Kincaid grade level of an HTML page's visible text (Kincaid JP et al., 1975: 0.39 words/sentence +
 * 11.8 syllables/word − 15.59), computed with the `flesch-kincaid` formula and `syllable` counts (both by wooorm).
 * Sentences: each block element (heading, paragraph, list item, definition) ends one, and `.`, `!`, `?` inside a
 * block end more. Words: letter/digit runs; a number (a date, a count) counts as one syllable.
 */
import { fleschKincaid } from 'flesch-kincaid';
import { parseHTML } from 'linkedom';
import { syllable } from 'syllable';

export function visibleText(html: string): string {
  const marked = html.replace(/<(style|script|title)[^>]*>[\s\S]*?<\/\1>/gi, '').replace(/<\/(p|li|h[1-6]|dt|dd|div|td|th)>|<br\s*\/?>|<ul>/gi, '$&\n');
  const { document } = parseHTML(/<body/i.test(marked) ? marked : `<!doctype html><html><body>${marked}</body></html>`);
  return (document.body?.textContent ?? '').replace(/[ \t]+/g, ' ');
}

export interface Readability {
  grade: number;
  sentences: number;
  words: number;
  syllables: number;
}

export function readability(html: string): Readability {
  let sentences = 0;
  let words = 0;
  let syllables = 0;
  for (const line of visibleText(html).split('\n').map((l) => l.trim()).filter(Boolean)) {
    const parts = line.split(/(?<=[.!?])\s+/).filter((p) => /[A-Za-z0-9]/.test(p));
    sentences += parts.length;
    for (const w of line.match(/[A-Za-z0-9][A-Za-z0-9'’]*/g) ?? []) {
      words++;
      syllables += /\d/.test(w) ? 1 : Math.max(1, syllable(w));
    }
  }
  return { grade: fleschKincaid({ sentence: sentences, word: words, syllable: syllables }), sentences, words, syllables };
}
