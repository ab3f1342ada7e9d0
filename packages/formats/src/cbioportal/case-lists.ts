/** Case lists (`case_lists/*.txt`, File-Formats "Case Lists"). */
import { StudyFileError } from './errors.ts';
import { readMetaFile, requireField } from './meta.ts';
import { missingValue } from '@her2scope/core/errors';

export interface CaseList {
  file: string;
  stableId: string;
  name: string;
  description: string;
  category: string | null;
  sampleIds: string[];
}

/** Valid `case_list_category` values (File-Formats). */
export const CASE_LIST_CATEGORIES: ReadonlySet<string> = new Set([
  'all_cases_in_study', 'all_cases_with_mutation_data', 'all_cases_with_cna_data', 'all_cases_with_log2_cna_data',
  'all_cases_with_methylation_data', 'all_cases_with_mrna_array_data', 'all_cases_with_mrna_rnaseq_data', 'all_cases_with_rppa_data',
  'all_cases_with_microrna_data', 'all_cases_with_mutation_and_cna_data', 'all_cases_with_mutation_and_cna_and_mrna_data',
  'all_cases_with_gsva_data', 'all_cases_with_sv_data', 'other',
]);

export async function readCaseList(path: string, file: string, studyId: string, samples?: ReadonlySet<string>): Promise<CaseList> {
  const meta = await readMetaFile(path, file);
  const sid = requireField(meta, 'cancer_study_identifier');
  if (sid !== studyId) throw new StudyFileError(file, meta.lineOf.get('cancer_study_identifier') ?? missingValue('meta.lineOf.get(\'cancer_study_identifier\')'), 'cancer_study_identifier', `'${sid}' differs from meta_study.txt ('${studyId}')`);
  const stableId = requireField(meta, 'stable_id');
  if (!stableId.startsWith(`${studyId}_`)) throw new StudyFileError(file, meta.lineOf.get('stable_id') ?? missingValue('meta.lineOf.get(\'stable_id\')'), 'stable_id', `'${stableId}' must start with the study identifier and an underscore ('${studyId}_')`);
  const category = meta.fields.get('case_list_category') || null;
  if (category !== null && !CASE_LIST_CATEGORIES.has(category)) throw new StudyFileError(file, meta.lineOf.get('case_list_category') ?? missingValue('meta.lineOf.get(\'case_list_category\')'), 'case_list_category', `'${category}' is not a case list category`);
  const idsLine = meta.lineOf.get('case_list_ids') ?? null;
  const sampleIds = requireField(meta, 'case_list_ids').split('\t').map((s) => s.trim()).filter(Boolean);
  const seen = new Set<string>();
  for (const s of sampleIds) {
    if (samples && !samples.has(s)) throw new StudyFileError(file, idsLine, 'case_list_ids', `sample '${s}' is not in the clinical sample file`);
    if (seen.has(s)) throw new StudyFileError(file, idsLine, 'case_list_ids', `sample '${s}' is listed twice`);
    seen.add(s);
  }
  return { file, stableId, name: requireField(meta, 'case_list_name'), description: requireField(meta, 'case_list_description'), category, sampleIds };
}
