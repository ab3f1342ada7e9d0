/**
 * Citations for the classification rules. Each rule in the engine names one of these next to it.
 * Bibliographic details are from shared/reference/her2-testing.md and er-pr-testing.md; PMIDs that those notes mark
 * "unverified" are left out on purpose and the DOI or journal reference is given instead.
 */
const ASCO_CAP_HER2_2018 =
  'ASCO/CAP HER2 testing guideline 2018 (Wolff AC et al., J Clin Oncol 2018;36(20):2105-2122, doi:10.1200/JCO.2018.77.8738; algorithm affirmed unchanged in the 2023 update, doi:10.1200/JCO.22.02864)';

export const SOURCES = {
  her2IhcScoring: `${ASCO_CAP_HER2_2018}, Fig. 1 (IHC scoring)`,
  her2IhcUnusualPattern: `${ASCO_CAP_HER2_2018}, Fig. 1 note (unusual staining patterns are IHC 2+ equivocal)`,
  her2DualIshGroups: `${ASCO_CAP_HER2_2018}, Fig. 3 (dual-probe ISH groups 1-5)`,
  her2Group2Workup: `${ASCO_CAP_HER2_2018}, Fig. 4 (group 2 work-up with concurrent IHC)`,
  her2Group3Workup: `${ASCO_CAP_HER2_2018}, Fig. 5 (group 3 work-up with concurrent IHC)`,
  her2Group4Workup: `${ASCO_CAP_HER2_2018}, Fig. 6 (group 4 work-up with concurrent IHC)`,
  her2SingleIsh: `${ASCO_CAP_HER2_2018}, Fig. 2 (single-probe ISH)`,
  her2Update2023:
    'ASCO/CAP HER2 testing guideline update 2023 (Wolff AC et al., J Clin Oncol 2023;41:3867-3872, doi:10.1200/JCO.22.02864): IHC 0 vs 1+ best practices and reporting footnote',
  her2Low:
    'HER2-low = IHC 1+ or IHC 2+/ISH-negative: DESTINY-Breast04 and the trastuzumab deruxtecan (Enhertu) FDA label, Aug 2022',
  her2Ultralow:
    'HER2-ultralow = IHC 0 with faint/incomplete membrane staining in >0% and <=10% of tumour cells: DESTINY-Breast06 and the trastuzumab deruxtecan (Enhertu) FDA label, Jan 2025',
  erPr2020:
    'ASCO/CAP ER/PgR testing guideline 2020 (Allison KH et al., J Clin Oncol 2020;38(12):1346-1366; Arch Pathol Lab Med 2020;144(5):545-563)',
  allred: 'Allred score (Harvey JM, Clark GM, Osborne CK, Allred DC. J Clin Oncol 1999;17:1474-1481)',
  hScore: 'H-score = 1 x %weak + 2 x %moderate + 3 x %strong, range 0-300 (McCarty KS Jr et al., 1985; definition as in shared/reference/er-pr-testing.md section 4)',
  subtype:
    'Surrogate subtypes from ER/PgR/HER2 (St Gallen 2013: Goldhirsch A et al., Ann Oncol 2013;24:2206-2223; HR+ = ER >=1% or PgR >=1% per ASCO/CAP 2020)',
} as const;
