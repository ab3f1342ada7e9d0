import type { Command } from '../command.ts';

/**
 * The her2scope commands. Each loads its module only when run, so that `her2scope classify` does not pay for the
 * server or the parsers.
 */
export const COMMANDS: ReadonlyArray<{ name: string; summary: string; load: () => Promise<Command> }> = [
  { name: 'analyze', summary: 'analyse a patient case over time: findings, origin, conversions, therapy options', load: async () => (await import('./analyze.ts')).analyzeCommand },
  { name: 'kb', summary: 'list, show or rebuild the knowledge base', load: async () => (await import('./kb.ts')).kbCommand },
  { name: 'serve', summary: 'start the HTTP API and web app (accounts, uploads, analyses, reports)', load: async () => (await import('./serve.ts')).serveCommand },
  { name: 'user', summary: 'create and list web-app accounts (admin, pathologist, molecular, oncologist, viewer)', load: async () => (await import('./user.ts')).userCommand },
  { name: 'audit', summary: 'verify the hash chain of the audit log (finds the first edited or deleted line)', load: async () => (await import('./audit.ts')).auditCommand },
  { name: 'classify', summary: 'classify HER2 / ER / PR of one sample by the ASCO/CAP rules', load: async () => (await import('./classify.ts')).classifyCommand },
  { name: 'cytometry', summary: 'HER2+ CD44+ CD24-low stem cells from FCS files or per-cell tables (Gating-ML 2.0 gates)', load: async () => (await import('./cytometry.ts')).cytometryCommand },
  { name: 'variants', summary: 'list the variants of an annotated VCF or a MAF (gene, HGVS, VAF, depth)', load: async () => (await import('./variants.ts')).variantsCommand },
  { name: 'schema', summary: 'print the JSON Schema of an output contract (analysis)', load: async () => (await import('./schema.ts')).schemaCommand },
  { name: 'cohort', summary: 'import cBioPortal studies; prevalence, Fisher comparisons, paired and signature analyses, plots', load: async () => (await import('./cohort.ts')).cohortCommand },
];
