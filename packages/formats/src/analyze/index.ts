/**
 * The one entry point of a case analysis, used by the CLI (`her2scope analyze`) and the server's analysis worker:
 *
 *   const result = await analyzeCase(caseFile, directoryResolver(dir, 'case.yaml'), { kb: loadKnowledgeBase() });
 *
 * It reads the files the case names (../case: parsing only) and calls the core's `interpretCase` once, which
 * classifies the pathology, judges origins and conversions, assesses cytometry against the bulk HER2 result and
 * decides the therapy options. The result is the contract `AnalysisResult` (core analysis/schema.ts).
 */
import { interpretCase, type AnalysisResult, type CaseFile, type InterpretOptions, type KnowledgeBase } from '@her2scope/core';
import { loadCaseData, type LoadCaseOptions, type ResolveFile } from '../case/index.ts';

export { directoryResolver, readCaseFile, type ResolveFile } from '../case/index.ts';

export interface AnalyzeCaseOptions extends InterpretOptions, LoadCaseOptions {
  /** The knowledge base to interpret with (`loadKnowledgeBase()` of @her2scope/kb). */
  kb: KnowledgeBase;
}

export async function analyzeCase(caseFile: CaseFile, resolveFile: ResolveFile, options: AnalyzeCaseOptions): Promise<AnalysisResult> {
  const { kb, onProgress, ...interpret } = options;
  const data = await loadCaseData(caseFile, resolveFile, onProgress ? { onProgress } : {});
  onProgress?.('interpreting with the knowledge base');
  return interpretCase(data, kb, interpret);
}
