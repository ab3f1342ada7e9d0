/**
 * What "altered" means in a cohort query: a mutation (any, of a class, or a protein change), a discrete copy-number
 * state, or a HER2 category. Pure definitions shared by the database queries and the CLI.
 */
import type { Her2Category } from '../classification/types.ts';
import { InputError } from '../errors.ts';

/**
 * her2scope's grouping of MAF Variant_Classification values (the MAF classes are listed in cBioPortal File-Formats,
 * "Mutation Data"): the groups are disjoint so that an oncoprint can colour each mutation once.
 */
export const MUTATION_CLASSES = {
  missense: ['Missense_Mutation'],
  inframe: ['In_Frame_Del', 'In_Frame_Ins'],
  truncating: ['Nonsense_Mutation', 'Frame_Shift_Del', 'Frame_Shift_Ins', 'Nonstop_Mutation', 'Translation_Start_Site'],
  splice: ['Splice_Site', 'Splice_Region'],
} as const satisfies Record<string, readonly string[]>;
export type MutationClass = keyof typeof MUTATION_CLASSES | 'other';
export const MUTATION_CLASS_NAMES: readonly MutationClass[] = ['missense', 'inframe', 'truncating', 'splice', 'other'];

const CLASS_OF: ReadonlyMap<string, MutationClass> = new Map(
  Object.entries(MUTATION_CLASSES).flatMap(([cls, members]) => (members as readonly string[]).map((m) => [m, cls as MutationClass] as const)),
);

export function mutationClassOf(variantClassification: string): MutationClass {
  return CLASS_OF.get(variantClassification) ?? 'other';
}

/** Discrete copy-number states (cBioPortal File-Formats, "Discrete Copy Number Data"): -2, -1, 1, 2. */
export const CNA_STATES = { homdel: -2, hetloss: -1, gain: 1, amp: 2 } as const;
export type CnaState = keyof typeof CNA_STATES;

export type Her2QueryCategory = 'positive' | 'negative' | 'low' | 'zero' | 'ultralow' | 'null';

export type AlterationSpec =
  | { kind: 'mutation'; gene: string; mutationClass?: MutationClass; proteinChange?: string }
  | { kind: 'cna'; gene: string; state: CnaState }
  | { kind: 'her2'; category: Her2QueryCategory };

const GENE = /^[A-Za-z0-9][A-Za-z0-9.\-_]*$/;

/** Protein change as typed: `p.L755S`, `L755S`, `L755` (any change of residue L755) or `755` (any change at 755). */
export interface ProteinChangeQuery {
  /** Exact change without `p.`, or null for a position query. */
  exact: string | null;
  position: number | null;
  /** Reference residue of a position query (`L` in `L755`), or null. */
  residue: string | null;
}

export function parseProteinChange(value: string): ProteinChangeQuery {
  const v = value.trim().replace(/^p\./, '');
  if (v === '') throw new InputError('protein-change', 'is empty');
  const pos = /^([A-Z*]?)(\d+)$/.exec(v);
  if (pos) return { exact: null, position: Number(pos[2]), residue: pos[1] || null };
  if (!/^[A-Za-z*]+\d+[A-Za-z0-9_*=>-]*$/.test(v)) {
    throw new InputError('protein-change', `'${value}' is not a protein change such as L755S, p.L755S, L755 or 755`);
  }
  return { exact: v, position: null, residue: null };
}

/** First residue number in a protein change (`L755S` -> 755, `Y772_A775dup` -> 772), or null. */
export function proteinPosition(proteinChange: string | null): number | null {
  if (!proteinChange) return null;
  const m = /^[A-Za-z*]*?(\d+)/.exec(proteinChange);
  return m ? Number(m[1]) : null;
}

export function matchesProteinChange(q: ProteinChangeQuery, proteinChange: string | null): boolean {
  if (!proteinChange) return false;
  if (q.exact !== null) return proteinChange === q.exact;
  if (proteinPosition(proteinChange) !== q.position) return false;
  return q.residue === null || proteinChange.startsWith(q.residue);
}

export interface AlterationFlags {
  gene?: string;
  mutationClass?: string;
  proteinChange?: string;
  cna?: string;
  her2?: string;
}

/** Build the alteration from CLI/API fields; errors name the field and the allowed values. */
export function parseAlteration(f: AlterationFlags): AlterationSpec {
  if (f.her2 !== undefined) {
    if (f.gene !== undefined || f.cna !== undefined || f.mutationClass !== undefined || f.proteinChange !== undefined) {
      throw new InputError('her2', 'a HER2 category query takes no --gene, --class, --protein-change or --cna');
    }
    const c = f.her2.trim().toLowerCase().replace(/^her2-/, '');
    const category = c === '0' ? 'zero' : c;
    if (!(category in HER2_QUERIES)) throw new InputError('her2', `'${f.her2}' is not one of positive, negative, low, zero, ultralow, null`);
    return { kind: 'her2', category: category as Her2QueryCategory };
  }
  if (f.gene === undefined || f.gene.trim() === '') throw new InputError('gene', 'give a gene (e.g. ERBB2) or a HER2 category');
  const gene = f.gene.trim();
  if (!GENE.test(gene)) throw new InputError('gene', `'${gene}' is not a gene symbol`);
  if (f.cna !== undefined) {
    if (f.mutationClass !== undefined || f.proteinChange !== undefined) throw new InputError('cna', 'a copy-number query takes no --class or --protein-change');
    const s = f.cna.trim().toLowerCase();
    if (!(s in CNA_STATES)) throw new InputError('cna', `'${f.cna}' is not one of amp, gain, hetloss, homdel`);
    return { kind: 'cna', gene, state: s as CnaState };
  }
  const spec: AlterationSpec = { kind: 'mutation', gene };
  if (f.mutationClass !== undefined) {
    const c = f.mutationClass.trim().toLowerCase();
    if (!(MUTATION_CLASS_NAMES as readonly string[]).includes(c)) throw new InputError('class', `'${f.mutationClass}' is not one of ${MUTATION_CLASS_NAMES.join(', ')}`);
    spec.mutationClass = c as MutationClass;
  }
  if (f.proteinChange !== undefined) {
    parseProteinChange(f.proteinChange);
    spec.proteinChange = f.proteinChange.trim().replace(/^p\./, '');
  }
  return spec;
}

/** `ERBB2 L755S mutation`, `ERBB2 amplification`, `HER2-low` */
export function describeAlteration(a: AlterationSpec): string {
  if (a.kind === 'her2') return HER2_QUERIES[a.category].label;
  if (a.kind === 'cna') return `${a.gene} ${{ amp: 'amplification', gain: 'gain', hetloss: 'shallow deletion', homdel: 'deep deletion' }[a.state]}`;
  const what = a.proteinChange ? ` ${a.proteinChange}` : '';
  const cls = a.mutationClass ? ` ${a.mutationClass}` : '';
  return `${a.gene}${what}${cls} mutation`;
}


/**
 * HER2 category queries: which categories count as altered (numerator) and which samples can be judged at all
 * (denominator). A sample whose IHC detail is unknown (HER2-negative from a status only) cannot be judged HER2-low,
 * and IHC 0 without the stained percent (HER2-0) cannot be judged ultralow/null; `pending` (equivocal) is never judged.
 */
export const HER2_QUERIES: Record<Her2QueryCategory, { label: string; numerator: readonly Her2Category[]; denominator: readonly Her2Category[] }> = {
  positive: { label: 'HER2-positive', numerator: ['HER2-positive'], denominator: ['HER2-positive', 'HER2-low', 'HER2-ultralow', 'HER2-null', 'HER2-0', 'HER2-negative'] },
  negative: { label: 'HER2-negative', numerator: ['HER2-low', 'HER2-ultralow', 'HER2-null', 'HER2-0', 'HER2-negative'], denominator: ['HER2-positive', 'HER2-low', 'HER2-ultralow', 'HER2-null', 'HER2-0', 'HER2-negative'] },
  low: { label: 'HER2-low', numerator: ['HER2-low'], denominator: ['HER2-positive', 'HER2-low', 'HER2-ultralow', 'HER2-null', 'HER2-0'] },
  zero: { label: 'HER2 IHC 0 (HER2-0, -ultralow or -null)', numerator: ['HER2-ultralow', 'HER2-null', 'HER2-0'], denominator: ['HER2-positive', 'HER2-low', 'HER2-ultralow', 'HER2-null', 'HER2-0'] },
  ultralow: { label: 'HER2-ultralow', numerator: ['HER2-ultralow'], denominator: ['HER2-positive', 'HER2-low', 'HER2-ultralow', 'HER2-null'] },
  null: { label: 'HER2-null', numerator: ['HER2-null'], denominator: ['HER2-positive', 'HER2-low', 'HER2-ultralow', 'HER2-null'] },
};
