import type { Command } from '../command.ts';

/**
 * The her2scope commands. Each loads its module only when run, so that `her2scope classify` does not pay for the
 * server or the parsers.
 */
export const COMMANDS: ReadonlyArray<{ name: string; summary: string; load: () => Promise<Command> }> = [
  { name: 'kb', summary: 'list, show or rebuild the knowledge base', load: async () => (await import('./kb.ts')).kbCommand },
  { name: 'classify', summary: 'classify HER2 / ER / PR of one sample by the ASCO/CAP rules', load: async () => (await import('./classify.ts')).classifyCommand },
];
