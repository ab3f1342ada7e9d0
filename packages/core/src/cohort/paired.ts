/**
 * Paired primary / later-sample comparison for patients with several samples: which alterations of the later
 * (metastatic or recurrent) samples were already in a primary (shared) and which were not (acquired), and which
 * primary alterations are absent later (lost). Sample types follow the SAMPLE_TYPE values cBioPortal's timeline
 * understands (File-Formats, "Clinical sample columns": recurrence, recurred, progression, progressed, metastatic,
 * metastasis, primary).
 *
 * Caveat carried into the output: "acquired" means "not detected in the primary sample(s)"; a subclonal mutation
 * below the primary's detection limit looks the same.
 */
import { proportion, type Proportion } from '../stats/proportion.ts';

export type SampleRole = 'primary' | 'later' | 'other';

export function sampleRole(sampleType: string | null): SampleRole {
  if (!sampleType) return 'other';
  const t = sampleType.toLowerCase();
  if (/metasta|recurr|progress/.test(t)) return 'later';
  if (/\bprimary\b/.test(t)) return 'primary';
  return 'other';
}

export interface PairedSample {
  sampleId: string;
  patientId: string;
  sampleType: string | null;
  /** Alteration keys found in the sample (e.g. `ERBB2 L755S`): the gene, a space, then the change. */
  alterations: ReadonlyArray<string>;
  /**
   * Whether the sample was profiled for a gene (its gene panel covers it); default: every gene. A gene the other
   * side's samples were not profiled for can be neither acquired nor lost.
   */
  profiled?: (gene: string) => boolean;
}

export interface PatientComparison {
  patientId: string;
  primarySamples: string[];
  laterSamples: string[];
  shared: string[];
  acquired: string[];
  lost: string[];
  /** Alterations of one side in a gene that no sample of the other side was profiled for (neither acquired nor lost). */
  notProfiled: string[];
}

export interface PairedSummary {
  /** Patients with at least one primary and one later sample. */
  patients: PatientComparison[];
  /** Patients with at least one acquired alteration, of the paired patients. */
  patientsWithAcquired: Proportion;
  /**
   * Distinct (patient, alteration) pairs seen in later samples whose gene a primary was profiled for; k = those absent
   * from every primary.
   */
  laterAlterationsAcquired: Proportion;
  /** (patient, alteration) pairs left out because the other side was not profiled for the gene. */
  notProfiledAlterations: number;
  /** Patients with more than one sample but not both a primary and a later one. */
  unpairedPatients: number;
}

/** The gene of an alteration key (`ERBB2 L755S` -> `ERBB2`). */
export function geneOf(key: string): string {
  const i = key.indexOf(' ');
  return i < 0 ? key : key.slice(0, i);
}

export function pairedComparison(samples: ReadonlyArray<PairedSample>): PairedSummary {
  const byPatient = new Map<string, PairedSample[]>();
  for (const s of samples) {
    const list = byPatient.get(s.patientId) ?? [];
    list.push(s);
    byPatient.set(s.patientId, list);
  }
  const patients: PatientComparison[] = [];
  let unpairedPatients = 0;
  let laterTotal = 0;
  let acquiredTotal = 0;
  let notProfiledTotal = 0;
  for (const [patientId, list] of [...byPatient].sort(([a], [b]) => a.localeCompare(b))) {
    const primaries = list.filter((s) => sampleRole(s.sampleType) === 'primary');
    const later = list.filter((s) => sampleRole(s.sampleType) === 'later');
    if (!primaries.length || !later.length) {
      if (list.length > 1) unpairedPatients++;
      continue;
    }
    const inPrimary = new Set(primaries.flatMap((s) => s.alterations));
    const inLater = new Set(later.flatMap((s) => s.alterations));
    const profiledIn = (side: PairedSample[], key: string) => {
      const gene = geneOf(key);
      return side.some((s) => !s.profiled || s.profiled(gene));
    };
    const shared = [...inLater].filter((a) => inPrimary.has(a)).sort();
    const acquired = [...inLater].filter((a) => !inPrimary.has(a) && profiledIn(primaries, a)).sort();
    const lost = [...inPrimary].filter((a) => !inLater.has(a) && profiledIn(later, a)).sort();
    const notProfiled = [
      ...[...inLater].filter((a) => !inPrimary.has(a) && !profiledIn(primaries, a)),
      ...[...inPrimary].filter((a) => !inLater.has(a) && !profiledIn(later, a)),
    ].sort();
    laterTotal += shared.length + acquired.length;
    acquiredTotal += acquired.length;
    notProfiledTotal += notProfiled.length;
    patients.push({
      patientId,
      primarySamples: primaries.map((s) => s.sampleId).sort(),
      laterSamples: later.map((s) => s.sampleId).sort(),
      shared,
      acquired,
      lost,
      notProfiled,
    });
  }
  const withAcquired = patients.filter((p) => p.acquired.length > 0).length;
  return {
    patients,
    patientsWithAcquired: proportion(withAcquired, patients.length),
    laterAlterationsAcquired: proportion(acquiredTotal, laterTotal),
    notProfiledAlterations: notProfiledTotal,
    unpairedPatients,
  };
}
