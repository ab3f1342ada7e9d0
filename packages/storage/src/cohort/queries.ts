/**
 * Cohort queries against the database. Counting is done in SQL (GROUP BY over the profiled samples, with an indexed
 * EXISTS per sample), so a prevalence query over 100,000 samples stays well under a second; the statistics
 * (Wilson intervals, Fisher's test, paired comparison, signature) are the pure functions of @her2scope/core.
 * Every value reaches the database as a bound parameter (Kysely's `sql` tag); only fixed SQL text is spliced.
 */
import { sql, type RawBuilder } from 'kysely';
import { InputError, compareProportions, type Reference, type TwoGroupComparison } from '@her2scope/core';
import {
  CNA_STATES,
  HER2_QUERIES,
  PROTEIN_LENGTHS,
  SIGNATURE_GENES,
  RESISTANCE_SIGNATURE,
  ONCOPRINT_CNA_STATES,
  describeAlteration,
  mutationClassOf,
  orList,
  suggestGenes,
  pairedComparison,
  parseProteinChange,
  poolGroups,
  prevalenceTable,
  resistanceSignature,
  treatmentExposure,
  type AlterationSpec,
  type CnaState,
  type GroupCount,
  type LollipopInput,
  type MutationClass,
  type OncoprintCell,
  type OncoprintInput,
  type PairedSummary,
  type PrevalenceTable,
  type ProteinDomain,
  type SampleSignature,
} from '@her2scope/core/cohort';
import type { Storage } from '../db.ts';
import { GENE_COUNTS_GROUPING, OFF_PANEL_GROUPING, bytesToFloat64 } from './import.ts';

export interface StudyRef {
  id: number;
  identifier: string;
  name: string;
}

export interface StudyListing extends StudyRef {
  description: string;
  importedAt: string;
  samples: number;
  patients: number;
}

export async function listStudies(storage: Storage): Promise<StudyListing[]> {
  const rows = await storage.db
    .selectFrom('cohort_study as st')
    .select((eb) => [
      'st.id',
      'st.identifier',
      'st.name',
      'st.description',
      'st.imported_at',
      eb.selectFrom('cohort_sample').select((e) => e.fn.countAll().as('c')).whereRef('cohort_sample.study_id', '=', 'st.id').as('samples'),
      eb.selectFrom('cohort_patient').select((e) => e.fn.countAll().as('c')).whereRef('cohort_patient.study_id', '=', 'st.id').as('patients'),
    ])
    .orderBy('st.identifier')
    .execute();
  return rows.map((r) => ({ id: r.id, identifier: r.identifier, name: r.name, description: r.description, importedAt: r.imported_at, samples: Number(r.samples), patients: Number(r.patients) }));
}

export async function findStudy(storage: Storage, identifier: string | undefined): Promise<StudyRef> {
  const all = await storage.db.selectFrom('cohort_study').select(['id', 'identifier', 'name']).orderBy('identifier').execute();
  if (all.length === 0) throw new InputError('study', `no study in ${storage.location}; import one first with 'her2scope cohort import <study-folder>'`);
  if (identifier === undefined) {
    if (all.length === 1) return all[0]!;
    throw new InputError('study', `several studies are imported (${all.map((s) => s.identifier).join(', ')}); choose one with --study`);
  }
  const s = all.find((x) => x.identifier === identifier);
  if (!s) throw new InputError('study', `no study '${identifier}' in the database (imported: ${all.map((x) => x.identifier).join(', ')})`);
  return s;
}

interface ProfileRef {
  id: number;
  stableId: string;
  profiledBy: string;
}

async function findProfile(storage: Storage, study: StudyRef, kind: 'mutations' | 'cna' | 'expression', stableId?: string): Promise<ProfileRef> {
  const where = { mutations: ['MUTATION_EXTENDED'], cna: ['COPY_NUMBER_ALTERATION'], expression: ['MRNA_EXPRESSION'] }[kind];
  let rows = await storage.db
    .selectFrom('cohort_profile')
    .select(['id', 'stable_id', 'datatype', 'profiled_by'])
    .where('study_id', '=', study.id)
    .where('alteration_type', 'in', where)
    .orderBy('stable_id')
    .execute();
  const what = { mutations: 'mutation', cna: 'discrete copy-number', expression: 'expression' }[kind];
  if (stableId !== undefined) {
    const r = rows.find((p) => p.stable_id === stableId);
    if (!r) throw new InputError('profile', `study ${study.identifier} has no ${what} profile '${stableId}' (has: ${rows.map((p) => p.stable_id).join(', ') || 'none'})`);
    return { id: r.id, stableId: r.stable_id, profiledBy: r.profiled_by };
  }
  if (kind === 'expression') {
    // The signature makes its own z-scores, so it wants values, not cBioPortal's precomputed z-scores.
    const continuous = rows.filter((p) => p.datatype === 'CONTINUOUS');
    if (continuous.length) rows = continuous;
  }
  if (rows.length === 0) throw new InputError('profile', `study ${study.identifier} has no ${what} data`);
  if (rows.length > 1) throw new InputError('profile', `study ${study.identifier} has several ${what} profiles (${rows.map((p) => p.stable_id).join(', ')}); choose one with --profile`);
  return { id: rows[0]!.id, stableId: rows[0]!.stable_id, profiledBy: rows[0]!.profiled_by };
}

export type GroupBy = { kind: 'attribute'; attribute: string } | { kind: 'treatment'; agent: string } | { kind: 'her2' };

export interface PrevalenceQuery {
  study?: string;
  alteration: AlterationSpec;
  groupBy?: GroupBy;
  /** Profile stable_id when the study has several of the kind. */
  profile?: string;
}

export interface PrevalenceResult {
  study: string;
  alteration: string;
  /** Which samples form the denominator. */
  denominator: string;
  groupBy: string | null;
  counts: GroupCount[];
  table: PrevalenceTable;
}

interface Units {
  /** Subquery with one column `sample_ref`: the samples that can be judged (the denominator). */
  from: RawBuilder<unknown>;
  /** Subquery with one column `sample_ref`: the altered samples (a subset of `from`). */
  altered: RawBuilder<unknown>;
  /** Profile and panel keys (0 = no panel) of the denominator, when its group sizes are precomputed at import. */
  counted: { profileId: number; panelKeys: number[] } | null;
  denominator: string;
  /** The gene as the study spells it. */
  gene?: string;
  /** "Any mutation of the gene": its grouped numerators may have been counted at import (cohort_gene_group_count). */
  geneCounts?: { profileId: number; gene: string };
}

/** A gene as the study spells it. */
export interface ResolvedGene {
  gene: string;
  entrezGeneId: number | null;
}

/**
 * The study's spelling of a gene typed in any case (`brca2` -> `BRCA2`). A gene the study never names (in its
 * mutation, copy-number, expression or gene-panel files) is an error with the nearest names as suggestions, never a
 * silent 0/n.
 */
export async function resolveGene(storage: Storage, study: StudyRef, typed: string): Promise<ResolvedGene> {
  const g = typed.trim();
  const exact = await storage.db.selectFrom('cohort_gene').select(['gene', 'entrez_gene_id']).where('study_id', '=', study.id).where('gene', '=', g).executeTakeFirst();
  if (exact) return { gene: exact.gene, entrezGeneId: exact.entrez_gene_id };
  const all = await storage.db.selectFrom('cohort_gene').select(['gene', 'entrez_gene_id']).where('study_id', '=', study.id).execute();
  // A study imported before gene lists were kept: take the name as typed.
  if (all.length === 0) return { gene: g, entrezGeneId: null };
  const upper = g.toUpperCase();
  const ci = all.filter((r) => r.gene.toUpperCase() === upper).sort((x, y) => (x.gene === upper ? -1 : y.gene === upper ? 1 : x.gene.localeCompare(y.gene)));
  if (ci.length) return { gene: ci[0]!.gene, entrezGeneId: ci[0]!.entrez_gene_id };
  const near = suggestGenes(g, all.map((r) => r.gene));
  throw new InputError('gene', near.length ? `unknown gene ${g}; did you mean ${orList(near)}?` : `unknown gene ${g} (study ${study.identifier} names no such gene in its mutation, copy-number, expression or gene-panel files)`);
}

/** Panel keys of a profile (0 = samples without a panel), with samples per key, from the import's group counts. */
async function profilePanels(storage: Storage, profileId: number): Promise<Map<number, number>> {
  const rows = await storage.db.selectFrom('cohort_profile_group_count').select(['panel_key', 'n']).where('profile_id', '=', profileId).where('grouping', '=', '').execute();
  return new Map(rows.map((r) => [Number(r.panel_key), Number(r.n)]));
}

/** The panel keys whose samples are profiled for a gene: 0 (no panel) and the panels that list the gene. */
async function coveringKeys(storage: Storage, panels: Map<number, number>, gene: ResolvedGene): Promise<number[]> {
  const ids = [...panels.keys()].filter((k) => k !== 0);
  const keys = panels.has(0) ? [0] : [];
  if (ids.length === 0) return keys;
  const names = [gene.gene.toUpperCase(), ...(gene.entrezGeneId !== null ? [String(gene.entrezGeneId)] : [])];
  const rows = await storage.db.selectFrom('cohort_gene_panel_gene').select('panel_id').distinct().where('panel_id', 'in', ids).where('gene', 'in', names).execute();
  return [...keys, ...rows.map((r) => r.panel_id).sort((x, y) => x - y)];
}

interface GeneProfile {
  profile: ProfileRef;
  gene: ResolvedGene;
  /** Samples of the profile profiled for the gene. */
  from: RawBuilder<unknown>;
  /** SQL condition on `<alias>.sample_ref` restricting to samples profiled for the gene (null = all of the profile). */
  panelFilter: ((alias: string) => RawBuilder<unknown>) | null;
  counted: { profileId: number; panelKeys: number[] } | null;
  denominator: string;
}

/** The samples of a profile that were profiled for one gene (gene panels: cBioPortal's per-gene denominator). */
async function geneProfile(storage: Storage, study: StudyRef, kind: 'mutations' | 'cna', typedGene: string, profile?: string): Promise<GeneProfile> {
  // Independent look-ups run at once (on PostgreSQL each is a round trip); errors keep their order.
  const [p, gene] = await inOrder(findProfile(storage, study, kind, profile), resolveGene(storage, study, typedGene));
  const [panels, offRow] = await inOrder(
    profilePanels(storage, p.id),
    kind === 'mutations' ? storage.db.selectFrom('cohort_profile_group_count').select('n').where('profile_id', '=', p.id).where('grouping', '=', OFF_PANEL_GROUPING).executeTakeFirst() : Promise.resolve(undefined),
  );
  const usesPanels = [...panels.keys()].some((k) => k !== 0);
  if (!usesPanels) {
    return {
      profile: p,
      gene,
      from: sql`(SELECT ps.sample_ref FROM cohort_profile_sample ps WHERE ps.profile_id = ${p.id})`,
      panelFilter: null,
      counted: panels.size ? { profileId: p.id, panelKeys: [...panels.keys()] } : null,
      denominator: `samples profiled in ${p.stableId} (${p.profiledBy})`,
    };
  }
  const keys = await coveringKeys(storage, panels, gene);
  const ids = keys.filter((k) => k !== 0);
  // Mutation profiles record their off-panel calls; with none, every altered sample is profiled for its gene.
  const off = offRow;
  const needsFilter = off === undefined || Number(off.n) > 0;
  const cond = (alias: string) => {
    const col = sql.ref(`${alias}.panel_id`);
    if (ids.length === 0) return sql`${col} IS NULL`;
    return keys.includes(0) ? sql`(${col} IS NULL OR ${col} IN (${sql.join(ids)}))` : sql`${col} IN (${sql.join(ids)})`;
  };
  const total = [...panels.values()].reduce((x, y) => x + y, 0);
  const left = [...panels].filter(([k]) => !keys.includes(k)).reduce((x, [, n]) => x + n, 0);
  return {
    profile: p,
    gene,
    from: sql`(SELECT ps.sample_ref FROM cohort_profile_sample ps WHERE ps.profile_id = ${p.id} AND ${cond('ps')})`,
    panelFilter: needsFilter ? (alias: string) => sql`EXISTS (SELECT 1 FROM cohort_profile_sample pf WHERE pf.profile_id = ${p.id} AND pf.sample_ref = ${sql.ref(`${alias}.sample_ref`)} AND ${cond('pf')})` : null,
    counted: { profileId: p.id, panelKeys: keys },
    denominator: `samples profiled for ${gene.gene} in ${p.stableId} (${p.profiledBy}): ${total - left} of ${total}${left ? `; ${left} on gene panels without ${gene.gene} left out` : ''}`,
  };
}

/** The samples that can be judged and those that are altered, for one alteration. */
async function unitsOf(storage: Storage, study: StudyRef, a: AlterationSpec, profile?: string): Promise<Units> {
  if (a.kind === 'her2') {
    const q = HER2_QUERIES[a.category];
    return {
      from: sql`(SELECT s0.id AS sample_ref FROM cohort_sample s0 WHERE s0.study_id = ${study.id} AND s0.her2_category IN (${sql.join([...q.denominator])}))`,
      altered: sql`(SELECT s1.id AS sample_ref FROM cohort_sample s1 WHERE s1.study_id = ${study.id} AND s1.her2_category IN (${sql.join([...q.numerator])}))`,
      counted: null,
      denominator: `samples whose HER2 category can be judged for ${q.label} (${q.denominator.join(', ')})`,
    };
  }
  const gp = await geneProfile(storage, study, a.kind === 'cna' ? 'cna' : 'mutations', a.gene, profile);
  const p = gp.profile;
  // Every mutation or copy-number call belongs to a profiled sample (the importer guarantees it); with gene panels the
  // altered samples are further limited to those profiled for the gene.
  const extra = gp.panelFilter ? [gp.panelFilter(a.kind === 'cna' ? 'c' : 'm')] : [];
  if (a.kind === 'cna') {
    const conds = [sql`c.profile_id = ${p.id}`, sql`c.gene = ${gp.gene.gene}`, sql`c.value = ${CNA_STATES[a.state]}`, ...extra];
    return { from: gp.from, counted: gp.counted, denominator: gp.denominator, gene: gp.gene.gene, altered: sql`(SELECT DISTINCT c.sample_ref FROM cohort_cna c WHERE ${sql.join(conds, sql` AND `)})` };
  }
  const conds: RawBuilder<unknown>[] = [sql`m.profile_id = ${p.id}`, sql`m.gene = ${gp.gene.gene}`, ...extra];
  if (a.mutationClass) conds.push(sql`m.mutation_class = ${a.mutationClass}`);
  if (a.proteinChange) {
    const pc = parseProteinChange(a.proteinChange);
    if (pc.exact !== null) conds.push(sql`m.protein_change = ${pc.exact}`);
    else {
      conds.push(sql`m.protein_position = ${pc.position}`);
      if (pc.residue) conds.push(sql`substr(m.protein_change, 1, 1) = ${pc.residue}`);
    }
  }
  const plain = !a.mutationClass && !a.proteinChange;
  return {
    from: gp.from,
    counted: gp.counted,
    denominator: gp.denominator,
    gene: gp.gene.gene,
    altered: sql`(SELECT DISTINCT m.sample_ref FROM cohort_mutation m WHERE ${sql.join(conds, sql` AND `)})`,
    ...(plain ? { geneCounts: { profileId: p.id, gene: gp.gene.gene } } : {}),
  };
}

async function attributeLevel(storage: Storage, study: StudyRef, attribute: string): Promise<'SAMPLE' | 'PATIENT'> {
  const rows = await storage.db.selectFrom('cohort_attribute').select(['level', 'attr_id']).where('study_id', '=', study.id).execute();
  const hit = rows.find((r) => r.attr_id === attribute && r.level === 'SAMPLE') ?? rows.find((r) => r.attr_id === attribute);
  if (!hit) {
    const names = [...new Set(rows.map((r) => r.attr_id))].sort();
    throw new InputError('by', `study ${study.identifier} has no clinical attribute '${attribute}' (has: ${names.join(', ') || 'none'}; or use her2 or treatment:AGENT)`);
  }
  return hit.level;
}

type CountRow = { grp: string | null; c: number | string };

/**
 * Two independent look-ups at once (PostgreSQL runs them on two pooled connections; each would otherwise be a round
 * trip of its own). Both settle before anything is thrown, and the first one's error wins, as if run in sequence.
 */
async function inOrder<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
  return [x.value, y.value];
}

/** Samples per group value among the rows of `set` (a subquery with `sample_ref`). */
async function countByGroup(storage: Storage, set: RawBuilder<unknown>, group: { level: 'SAMPLE' | 'PATIENT'; attribute: string } | 'her2' | null): Promise<Map<string | null, number>> {
  let r;
  if (group === null) r = await sql<CountRow>`SELECT NULL AS grp, COUNT(*) AS c FROM ${set} u`.execute(storage.db);
  else if (group === 'her2') r = await sql<CountRow>`SELECT gs.her2_category AS grp, COUNT(*) AS c FROM ${set} u JOIN cohort_sample gs ON gs.id = u.sample_ref GROUP BY gs.her2_category`.execute(storage.db);
  else if (group.level === 'SAMPLE') {
    r = await sql<CountRow>`SELECT ga.value AS grp, COUNT(*) AS c FROM ${set} u LEFT JOIN cohort_sample_attribute ga ON ga.sample_ref = u.sample_ref AND ga.attr_id = ${group.attribute} GROUP BY ga.value`.execute(storage.db);
  } else {
    r = await sql<CountRow>`SELECT ga.value AS grp, COUNT(*) AS c FROM ${set} u JOIN cohort_sample gs ON gs.id = u.sample_ref LEFT JOIN cohort_patient_attribute ga ON ga.patient_ref = gs.patient_ref AND ga.attr_id = ${group.attribute} GROUP BY ga.value`.execute(storage.db);
  }
  return new Map(r.rows.map((x) => [x.grp, Number(x.c)]));
}

/**
 * Group sizes of a profile's denominator from the counts written at import (no per-sample lookups), or null when this
 * grouping was not precomputed (an attribute with many values).
 */
async function countedGroupSizes(storage: Storage, counted: { profileId: number; panelKeys: number[] }, group: { level: 'SAMPLE' | 'PATIENT'; attribute: string } | 'her2' | null): Promise<Map<string | null, number> | null> {
  const grouping = group === null ? '' : group === 'her2' ? 'her2' : `${group.level}:${group.attribute}`;
  if (counted.panelKeys.length === 0) return new Map([[null, 0]]);
  const r = await sql<CountRow>`SELECT value AS grp, SUM(n) AS c FROM cohort_profile_group_count WHERE profile_id = ${counted.profileId} AND grouping = ${grouping} AND panel_key IN (${sql.join(counted.panelKeys)}) GROUP BY value`.execute(storage.db);
  if (r.rows.length === 0) return null;
  return new Map(r.rows.map((x) => [x.grp, Number(x.c)]));
}

/**
 * Altered samples per group value from the numerators counted at import (migration 0006), or null when the profile
 * has none for this grouping (imported before 0006, or an attribute with too many values): then they are counted.
 */
async function countedAltered(storage: Storage, c: { profileId: number; gene: string }, group: { level: 'SAMPLE' | 'PATIENT'; attribute: string } | 'her2' | null): Promise<Map<string | null, number> | null> {
  const grouping = group === null ? '' : group === 'her2' ? 'her2' : `${group.level}:${group.attribute}`;
  const [marks, rows] = await inOrder(
    storage.db.selectFrom('cohort_profile_group_count').select('grouping').where('profile_id', '=', c.profileId).where('grouping', 'in', [GENE_COUNTS_GROUPING, grouping]).groupBy('grouping').execute(),
    storage.db.selectFrom('cohort_gene_group_count').select(['value', 'k']).where('profile_id', '=', c.profileId).where('gene', '=', c.gene).where('grouping', '=', grouping).execute(),
  );
  if (marks.length < 2) return null;
  return new Map(rows.map((r) => [r.value, Number(r.k)]));
}

export interface PrevalenceOptions {
  /**
   * Count the altered samples from cohort_mutation even where the import counted them (default false). The two ways
   * give the same numbers; tests use this to check that.
   */
  countLive?: boolean;
}

export async function prevalenceCounts(storage: Storage, q: PrevalenceQuery, options: PrevalenceOptions = {}): Promise<PrevalenceResult> {
  const study = await findStudy(storage, q.study);
  const g = q.groupBy;
  // The grouping attribute's level is looked up alongside the alteration (fewer sequential round trips).
  const [u, level] = await inOrder(unitsOf(storage, study, q.alteration, q.profile), g?.kind === 'attribute' ? attributeLevel(storage, study, g.attribute) : Promise.resolve(null));
  let counts: GroupCount[];
  let groupBy: string | null = null;
  if (g === undefined || g.kind !== 'treatment') {
    let group: { level: 'SAMPLE' | 'PATIENT'; attribute: string } | 'her2' | null = null;
    if (g?.kind === 'attribute' && level !== null) {
      groupBy = g.attribute;
      group = { level, attribute: g.attribute };
    } else if (g?.kind === 'her2') {
      groupBy = 'HER2 category';
      group = 'her2';
    }
    const [nCounted, kCounted] = await inOrder(
      u.counted ? countedGroupSizes(storage, u.counted, group) : Promise.resolve(null),
      u.geneCounts && !options.countLive ? countedAltered(storage, u.geneCounts, group) : Promise.resolve(null),
    );
    const n = nCounted ?? (await countByGroup(storage, u.from, group));
    const k = kCounted ?? (await countByGroup(storage, u.altered, group));
    counts = [...n].map(([grp, size]) => ({ group: grp, n: size, k: k.get(grp) ?? 0 }));
  } else {
    groupBy = `treatment with ${g.agent} before the sample`;
    const units = await sql<{ sample_ref: number }>`SELECT u.sample_ref FROM ${u.from} u`.execute(storage.db);
    const altered = new Set((await sql<{ sample_ref: number }>`SELECT a.sample_ref FROM ${u.altered} a`.execute(storage.db)).rows.map((x) => Number(x.sample_ref)));
    const exposure = await exposureOf(storage, study, g.agent);
    const byGroup = new Map<string, GroupCount>();
    for (const x of units.rows) {
      const ref = Number(x.sample_ref);
      const grp = exposure.get(ref) ?? 'unexposed';
      const c = byGroup.get(grp) ?? { group: grp, k: 0, n: 0 };
      c.n++;
      if (altered.has(ref)) c.k++;
      byGroup.set(grp, c);
    }
    counts = [...byGroup.values()];
  }
  const alteration = u.gene !== undefined && q.alteration.kind !== 'her2' ? { ...q.alteration, gene: u.gene } : q.alteration;
  return { study: study.identifier, alteration: describeAlteration(alteration), denominator: u.denominator, groupBy, counts, table: prevalenceTable(counts) };
}

/** Exposure of every sample of the study to an agent (core cohort/exposure.ts), keyed by sample row id. */
async function exposureOf(storage: Storage, study: StudyRef, agent: string): Promise<Map<number, string>> {
  const samples = await storage.db.selectFrom('cohort_sample').select(['id', 'patient_ref']).where('study_id', '=', study.id).execute();
  const events = await storage.db
    .selectFrom('cohort_timeline_event')
    .select(['patient_ref', 'sample_ref', 'event_type', 'start_date', 'agent'])
    .where('study_id', '=', study.id)
    .where((eb) => eb.or([eb('event_type', 'in', ['SPECIMEN', 'SAMPLE_ACQUISITION', 'Specimen', 'Sample acquisition']), eb('agent', 'is not', null)]))
    .execute();
  const collected = new Map<number, number>();
  const treatments: Array<{ patientId: string; agent: string; startDate: number }> = [];
  for (const e of events) {
    const type = e.event_type.toUpperCase().replace(/ /g, '_');
    if ((type === 'SPECIMEN' || type === 'SAMPLE_ACQUISITION') && e.sample_ref !== null) {
      const prev = collected.get(e.sample_ref);
      if (prev === undefined || e.start_date < prev) collected.set(e.sample_ref, e.start_date);
    }
    if (type === 'TREATMENT' && e.agent) treatments.push({ patientId: String(e.patient_ref), agent: e.agent, startDate: e.start_date });
  }
  const exp = treatmentExposure(
    samples.map((s) => ({ sampleId: String(s.id), patientId: String(s.patient_ref), collectedOn: collected.get(s.id) ?? null })),
    treatments,
    agent,
  );
  return new Map([...exp].map(([k, v]) => [Number(k), v]));
}

export interface ComparisonResult extends TwoGroupComparison {
  study: string;
  alteration: string;
  denominator: string;
  groupBy: string | null;
  groupA: string[];
  groupB: string[];
}

/** Two-group comparison of the groups named in `a` and `b` (values of the grouping; several values are pooled). */
export async function compareGroups(storage: Storage, q: PrevalenceQuery & { groupA: string[]; groupB: string[] }, options: PrevalenceOptions = {}): Promise<ComparisonResult> {
  if (!q.groupBy) throw new InputError('by', 'a comparison needs --by (the attribute whose values form the groups)');
  const p = await prevalenceCounts(storage, q, options);
  const a = poolGroups(p.counts, q.groupA);
  const b = poolGroups(p.counts, q.groupB);
  const known = p.counts.filter((c) => c.group !== null).map((c) => c.group);
  for (const [flag, pool, want] of [['group-a', a, q.groupA], ['group-b', b, q.groupB]] as const) {
    if (pool.matched.length === 0) throw new InputError(flag, `no samples have ${p.groupBy} = ${want.join(' or ')} (values: ${known.join(', ') || 'none'})`);
  }
  const overlap = a.matched.filter((x) => b.matched.includes(x));
  if (overlap.length) throw new InputError('group-b', `'${overlap[0]}' is in both groups`);
  return { study: p.study, alteration: p.alteration, denominator: p.denominator, groupBy: p.groupBy, groupA: a.matched, groupB: b.matched, ...compareProportions(a, b) };
}

export interface PairedQuery {
  study?: string;
  /** Only this gene's mutations (default: all genes). */
  gene?: string;
  /** Clinical attribute with Primary / Metastasis / Recurrence (default SAMPLE_TYPE). */
  sampleTypeAttribute?: string;
  profile?: string;
}

export interface PairedResult extends PairedSummary {
  study: string;
  gene: string | null;
  sampleTypeAttribute: string;
}

export async function pairedAnalysis(storage: Storage, q: PairedQuery): Promise<PairedResult> {
  const study = await findStudy(storage, q.study);
  const p = await findProfile(storage, study, 'mutations', q.profile);
  const gene = q.gene === undefined ? null : (await resolveGene(storage, study, q.gene)).gene;
  const attr = q.sampleTypeAttribute ?? 'SAMPLE_TYPE';
  await attributeLevel(storage, study, attr);
  const samples = await storage.db
    .selectFrom('cohort_profile_sample as ps')
    .innerJoin('cohort_sample as s', 's.id', 'ps.sample_ref')
    .innerJoin('cohort_patient as pt', 'pt.id', 's.patient_ref')
    .leftJoin('cohort_sample_attribute as a', (j) => j.onRef('a.sample_ref', '=', 's.id').on('a.attr_id', '=', attr))
    .select(['s.id', 's.sample_id', 'pt.patient_id', 'a.value', 'ps.panel_id'])
    .where('ps.profile_id', '=', p.id)
    .execute();
  // Gene panels of the samples: a sample is profiled for a gene its panel lists (no panel: every gene).
  const panelIds = [...new Set(samples.map((x) => x.panel_id).filter((x): x is number => x !== null && x !== undefined))];
  const panelGenes = new Map<number, Set<string>>();
  if (panelIds.length) {
    for (const r of await storage.db.selectFrom('cohort_gene_panel_gene').select(['panel_id', 'gene']).where('panel_id', 'in', panelIds).execute()) {
      let set = panelGenes.get(r.panel_id);
      if (!set) panelGenes.set(r.panel_id, (set = new Set()));
      set.add(r.gene);
    }
  }
  const entrezOf = new Map<string, number>();
  if (panelIds.length) {
    for (const r of await storage.db.selectFrom('cohort_gene').select(['gene', 'entrez_gene_id']).where('study_id', '=', study.id).where('entrez_gene_id', 'is not', null).execute()) entrezOf.set(r.gene, r.entrez_gene_id!);
  }
  const profiledFor = (panel: number | null | undefined) => {
    if (panel === null || panel === undefined) return undefined;
    const set = panelGenes.get(panel) ?? new Set<string>();
    return (g: string) => set.has(g.toUpperCase()) || (entrezOf.has(g) && set.has(String(entrezOf.get(g))));
  };
  let mq = storage.db.selectFrom('cohort_mutation').select(['sample_ref', 'gene', 'protein_change', 'variant_class', 'start_position']).where('profile_id', '=', p.id);
  if (gene) mq = mq.where('gene', '=', gene);
  const muts = await mq.execute();
  const bySample = new Map<number, string[]>();
  for (const m of muts) {
    const key = `${m.gene} ${m.protein_change ?? `${m.variant_class}@${m.start_position ?? '?'}`}`;
    const l = bySample.get(m.sample_ref) ?? [];
    l.push(key);
    bySample.set(m.sample_ref, l);
  }
  const summary = pairedComparison(
    samples.map((s) => {
      const profiled = profiledFor(s.panel_id);
      return { sampleId: s.sample_id, patientId: s.patient_id, sampleType: s.value, alterations: bySample.get(s.id) ?? [], ...(profiled ? { profiled } : {}) };
    }),
  );
  return { study: study.identifier, gene, sampleTypeAttribute: attr, ...summary };
}

export interface SignatureQuery {
  study?: string;
  profile?: string;
  /** Reference samples: those whose clinical attribute equals one of the values (case-insensitive). */
  referenceAttribute: string;
  referenceValues: string[];
  threshold: number;
  log2?: boolean;
}

export interface SignatureRow extends SampleSignature {
  her2Category: string | null;
  isReference: boolean;
}

export interface SignatureQueryResult {
  study: string;
  profile: string;
  definition: string;
  source: string;
  evidence: string;
  threshold: number;
  referenceSamples: number;
  reference: Record<string, Reference>;
  /** Every sample of the profile, by score (highest first; unscored last). */
  samples: SignatureRow[];
  /** HER2-positive samples with a score above the threshold. */
  flagged: SignatureRow[];
}

export async function signatureQuery(storage: Storage, q: SignatureQuery): Promise<SignatureQueryResult> {
  if (!Number.isFinite(q.threshold)) throw new InputError('threshold', 'must be a number');
  const study = await findStudy(storage, q.study);
  const p = await findProfile(storage, study, 'expression', q.profile);
  const level = await attributeLevel(storage, study, q.referenceAttribute);
  const samples = await storage.db
    .selectFrom('cohort_profile_sample as ps')
    .innerJoin('cohort_sample as s', 's.id', 'ps.sample_ref')
    .select(['s.id', 's.sample_id', 's.patient_ref', 's.her2_category', 'ps.position'])
    .where('ps.profile_id', '=', p.id)
    .orderBy('ps.position')
    .execute();
  const attrRows =
    level === 'SAMPLE'
      ? await storage.db.selectFrom('cohort_sample_attribute').innerJoin('cohort_sample', 'cohort_sample.id', 'cohort_sample_attribute.sample_ref').select(['cohort_sample.id as ref', 'value']).where('cohort_sample.study_id', '=', study.id).where('attr_id', '=', q.referenceAttribute).execute()
      : await storage.db.selectFrom('cohort_patient_attribute').innerJoin('cohort_sample', 'cohort_sample.patient_ref', 'cohort_patient_attribute.patient_ref').select(['cohort_sample.id as ref', 'value']).where('cohort_sample.study_id', '=', study.id).where('attr_id', '=', q.referenceAttribute).execute();
  const want = new Set(q.referenceValues.map((v) => v.toLowerCase()));
  const refSet = new Set(attrRows.filter((r) => want.has(r.value.toLowerCase())).map((r) => r.ref));
  const aliases = Object.entries(RESISTANCE_SIGNATURE.aliases).filter(([, to]) => SIGNATURE_GENES.includes(to)).map(([from]) => from);
  const rows = await storage.db.selectFrom('cohort_expression').select(['gene', 'value_blob']).where('profile_id', '=', p.id).where('gene', 'in', [...SIGNATURE_GENES, ...aliases]).execute();
  const expression = new Map<string, Map<string, number | null>>();
  for (const r of rows) {
    const gene = RESISTANCE_SIGNATURE.aliases[r.gene!] ?? r.gene!;
    if (expression.has(gene)) continue;
    const values = bytesToFloat64(r.value_blob);
    const m = new Map<string, number | null>();
    for (const s of samples) {
      const v = values[s.position];
      m.set(s.sample_id, v === undefined || Number.isNaN(v) ? null : v);
    }
    expression.set(gene, m);
  }
  const reference = samples.filter((s) => refSet.has(s.id)).map((s) => s.sample_id);
  const result = resistanceSignature({ expression, samples: samples.map((s) => s.sample_id), reference, log2: q.log2 });
  const info = new Map(samples.map((s) => [s.sample_id, s]));
  const refNames = new Set(reference);
  const all: SignatureRow[] = result.samples.map((r) => ({ ...r, her2Category: info.get(r.sampleId)!.her2_category, isReference: refNames.has(r.sampleId) }));
  all.sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || a.sampleId.localeCompare(b.sampleId));
  return {
    study: study.identifier,
    profile: p.stableId,
    definition: RESISTANCE_SIGNATURE.definition,
    source: RESISTANCE_SIGNATURE.source,
    evidence: RESISTANCE_SIGNATURE.evidence,
    threshold: q.threshold,
    referenceSamples: reference.length,
    reference: result.reference,
    samples: all,
    flagged: all.filter((r) => r.her2Category === 'HER2-positive' && r.score !== null && r.score > q.threshold),
  };
}

/**
 * Oncoprint input for some genes: the samples profiled in the study's mutation profile (else its copy-number profile),
 * each gene's denominator being the samples profiled for it, exactly as `query --gene G` counts it; mutations and the
 * copy-number calls of cBioPortal's default alteration set (amplification, deep deletion).
 */
export async function oncoprintData(storage: Storage, q: { study?: string; genes: string[] }): Promise<OncoprintInput> {
  if (q.genes.length === 0) throw new InputError('genes', 'give at least one gene');
  const study = await findStudy(storage, q.study);
  const profiles = await storage.db.selectFrom('cohort_profile').select(['id', 'stable_id', 'alteration_type', 'profiled_by']).where('study_id', '=', study.id).where('alteration_type', 'in', ['MUTATION_EXTENDED', 'COPY_NUMBER_ALTERATION']).orderBy('stable_id').execute();
  if (profiles.length === 0) throw new InputError('study', `study ${study.identifier} has no mutation or copy-number data`);
  const mutProfiles = profiles.filter((p) => p.alteration_type === 'MUTATION_EXTENDED');
  const base = (mutProfiles.length ? mutProfiles : profiles)[0]!;
  const genes: string[] = [];
  for (const g of q.genes) {
    const r = (await resolveGene(storage, study, g)).gene;
    if (!genes.includes(r)) genes.push(r);
  }
  const sampleRows = await storage.db
    .selectFrom('cohort_profile_sample as ps')
    .innerJoin('cohort_sample as s', 's.id', 'ps.sample_ref')
    .select(['s.id', 's.sample_id', 'ps.panel_id'])
    .where('ps.profile_id', '=', base.id)
    .execute();
  const nameOf = new Map(sampleRows.map((r) => [r.id, r.sample_id]));
  const notProfiled = new Set<string>();
  const panels = await profilePanels(storage, base.id);
  for (const g of genes) {
    const keys = new Set(await coveringKeys(storage, panels, await resolveGene(storage, study, g)));
    for (const r of sampleRows) if (!keys.has(r.panel_id ?? 0) && panels.size) notProfiled.add(`${g}\t${r.sample_id}`);
  }
  const cells = new Map<string, OncoprintCell>();
  const cell = (g: string, s: string) => {
    const k = `${g}\t${s}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { mutations: [] }));
    return c;
  };
  const ids = profiles.map((p) => p.id);
  const muts = await storage.db.selectFrom('cohort_mutation as m').select(['m.gene', 'm.sample_ref', 'm.mutation_class']).where('m.profile_id', 'in', ids).where('m.gene', 'in', genes).execute();
  const order: MutationClass[] = ['truncating', 'inframe', 'missense', 'splice', 'other'];
  for (const m of muts) {
    const s = nameOf.get(m.sample_ref);
    if (s === undefined) continue;
    const c = cell(m.gene, s);
    c.mutations.push(m.mutation_class as MutationClass);
    c.mutations.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  }
  const values = ONCOPRINT_CNA_STATES.map((st) => CNA_STATES[st]);
  const cnas = await storage.db.selectFrom('cohort_cna as c').select(['c.gene', 'c.sample_ref', 'c.value']).where('c.profile_id', 'in', ids).where('c.gene', 'in', genes).where('c.value', 'in', values).execute();
  const stateOf = Object.fromEntries(Object.entries(CNA_STATES).map(([k, v]) => [v, k])) as Record<number, CnaState>;
  for (const c of cnas) {
    const s = nameOf.get(c.sample_ref);
    if (s !== undefined) cell(c.gene!, s).cna = stateOf[c.value];
  }
  return {
    title: `${study.identifier}: ${genes.join(', ')}`,
    genes,
    samples: sampleRows.map((s) => s.sample_id).sort(),
    cells,
    notProfiled,
    denominator: `Samples: profiled in ${base.stable_id} (${base.profiled_by}); per gene, those profiled for it (as 'cohort query').`,
  };
}

/** Lollipop input: one gene's mutations with a protein position, counted by distinct sample. */
export async function lollipopData(storage: Storage, q: { study?: string; gene: string; domains?: ProteinDomain[]; profile?: string }): Promise<LollipopInput> {
  const study = await findStudy(storage, q.study);
  const p = await findProfile(storage, study, 'mutations', q.profile);
  const gene = (await resolveGene(storage, study, q.gene)).gene;
  const rows = await storage.db
    .selectFrom('cohort_mutation')
    .select(['protein_change', 'protein_position', 'variant_class', (eb) => eb.fn.count<number>('sample_ref').distinct().as('n')])
    .where('profile_id', '=', p.id)
    .where('gene', '=', gene)
    .where('protein_position', 'is not', null)
    .groupBy(['protein_change', 'protein_position', 'variant_class'])
    .execute();
  return {
    title: `${study.identifier}: ${gene} mutations (${rows.reduce((s, r) => s + Number(r.n), 0)} sample-mutations)`,
    gene,
    protein: PROTEIN_LENGTHS[gene] ?? null,
    domains: q.domains ?? [],
    mutations: rows.map((r) => ({ position: r.protein_position!, proteinChange: r.protein_change!, mutationClass: mutationClassOf(r.variant_class), count: Number(r.n) })),
  };
}

