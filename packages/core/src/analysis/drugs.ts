/**
 * Drug names and the drug-class ontology (KB data/drug-classes.json): one canonical name per drug, so that a regimen
 * is one option whatever spelling or salt form a source uses ("pictilisib bismesylate" = pictilisib), and class
 * membership with parents, so that class-level evidence ("hormone therapy", "aromatase inhibitor") applies to every
 * member drug. Pure: the ontology comes from the KB.
 */
import type { DrugClass, KnowledgeBase } from '../kb/schema.ts';

/**
 * Salt and ester words that name the same active moiety (USAN/INN practice: the salt is not part of the active
 * ingredient's name, e.g. lapatinib ditosylate, neratinib maleate, pictilisib bismesylate).
 */
const SALT_WORDS = /\s+(bismesylate|dimesylate|mesylate|ditosylate|tosylate|maleate|hydrochloride|dihydrochloride|citrate|sulfate|phosphate|sodium|tartrate|acetate|fumarate|succinate)$/;

export interface DrugOntology {
  /** Canonical lower-case drug name (ontology name for a synonym; salt words removed). */
  canonical(name: string): string;
  /** The class a name stands for when a source uses a class as a "drug" (e.g. "hormone therapy"), else null. */
  classOf(name: string): DrugClass | null;
  /** The drug's classes with all their parents (empty when the ontology does not know the drug). */
  classesOf(drug: string): Set<DrugClass>;
  /** Display label of a class. */
  label(c: DrugClass): string;
  /** Whether other classes sit under this one (a broad class such as endocrine therapy, not aromatase inhibitor). */
  hasSubclasses(c: DrugClass): boolean;
  /** Rank for a fixed combination order (class order of the ontology file, then name). */
  orderKey(drug: string): number;
  /** Every name the ontology knows for a canonical drug (the name and its synonyms), lower case. */
  namesOf(drug: string): string[];
}

const clean = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

export function drugOntology(kb: Pick<KnowledgeBase, 'drugClasses'>): DrugOntology {
  const file = kb.drugClasses;
  const synonyms = new Map<string, string>();
  const names = new Map<string, string[]>();
  const classesOfDrug = new Map<string, DrugClass[]>();
  const parent = new Map<DrugClass, DrugClass | undefined>();
  const classNames = new Map<string, DrugClass>();
  const labels = new Map<DrugClass, string>();
  const classRank = new Map<DrugClass, number>();
  for (const [i, c] of (file?.classes ?? []).entries()) {
    parent.set(c.id, c.parent);
    labels.set(c.id, c.label);
    classRank.set(c.id, i);
    for (const n of [c.id, c.id.replace(/-/g, ' '), c.label, ...(c.synonyms ?? [])]) classNames.set(clean(n), c.id);
  }
  for (const d of file?.drugs ?? []) {
    const name = clean(d.name);
    synonyms.set(name, name);
    for (const s of d.synonyms) synonyms.set(clean(s), name);
    names.set(name, [name, ...d.synonyms.map(clean)]);
    classesOfDrug.set(name, d.classes);
  }
  const canonical = (raw: string) => {
    const n = clean(raw);
    const direct = synonyms.get(n);
    if (direct) return direct;
    const stripped = n.replace(SALT_WORDS, '');
    return synonyms.get(stripped) ?? stripped;
  };
  const closure = (cs: readonly DrugClass[]) => {
    const out = new Set<DrugClass>();
    for (let c of cs) {
      for (let guard = 0; guard < 20 && c && !out.has(c); guard++) {
        out.add(c);
        const p = parent.get(c);
        if (!p) break;
        c = p;
      }
    }
    return out;
  };
  return {
    canonical,
    classOf: (name) => (synonyms.has(clean(name)) ? null : (classNames.get(clean(name)) ?? null)),
    classesOf: (drug) => closure(classesOfDrug.get(canonical(drug)) ?? []),
    label: (c) => labels.get(c) ?? c,
    hasSubclasses: (c) => [...parent.values()].includes(c),
    namesOf: (drug) => names.get(canonical(drug)) ?? [canonical(drug)],
    orderKey: (drug) => {
      const cs = classesOfDrug.get(canonical(drug)) ?? [];
      return cs.length ? Math.min(...cs.map((c) => classRank.get(c) ?? 999)) : 999;
    },
  };
}
