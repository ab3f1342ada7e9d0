/**
 * Report comments required or recommended by the guidelines. The guideline texts are paraphrased (the exact
 * wording is the lab's, per shared/reference/her2-testing.md section 3), so every string can be replaced by the
 * caller through `ClassifyOptions.comments`.
 */
export const DEFAULT_COMMENTS = {
  /** ASCO/CAP 2018 Fig. 4, group 2 comment. */
  group2:
    'ISH group 2 (HER2/CEP17 ratio >=2.0, mean HER2 <4.0 signals/cell): evidence on benefit from HER2-targeted therapy is limited; in the first-generation adjuvant trastuzumab trials this small subgroup showed no apparent benefit, but there were too few cases to draw conclusions. Without IHC 3+, the tumour is considered HER2-negative.',
  /** ASCO/CAP 2018 Fig. 5, group 3 comment. */
  group3:
    'ISH group 3 (HER2/CEP17 ratio <2.0, mean HER2 >=6.0 signals/cell): data are insufficient on benefit from HER2-targeted therapy without protein overexpression, as such patients were not eligible for the first-generation adjuvant trastuzumab trials. With concurrent IHC 0 or 1+, the tumour is considered HER2-negative.',
  /** ASCO/CAP 2018 Fig. 6, group 4 comment. */
  group4:
    'ISH group 4 (HER2/CEP17 ratio <2.0, mean HER2 4.0 to <6.0 signals/cell): it is uncertain whether patients benefit from HER2-targeted therapy without IHC 3+; results near the threshold may change on repeat testing by chance alone. Without IHC 3+, the tumour is considered HER2-negative without further testing of the same specimen.',
  /** ASCO/CAP 2018 Figs. 4-6: IHC 2+ in groups 2-4 needs a blinded recount. */
  blindedRecount:
    'IHC 2+ with ISH group 2-4: the guideline requires a second observer, blinded to the earlier ISH result, to recount at least 20 cells including the IHC 2+ area; the supplied counts are taken as the final (recounted) result. If the recount falls in a different group, adjudicate per internal laboratory procedure.',
  /** ASCO/CAP 2018 Figs. 3-6: groups 2-4 need concurrent IHC on the same tissue. */
  concurrentIhcRequired:
    'ISH group 2-4 requires concurrent IHC on sections from the same tissue sample used for ISH; the result is pending until IHC is available.',
  /** ASCO/CAP 2018 Fig. 1: IHC 2+ is equivocal and needs reflex ISH. */
  reflexIsh: 'IHC 2+ is equivocal: reflex ISH on the same specimen (or a new test on a new specimen) is required.',
  /** ASCO/CAP 2018 Fig. 2: single-probe 4.0-<6.0 with IHC 2+. */
  singleProbeNeedsDual:
    'Single-probe ISH with mean HER2 4.0 to <6.0 signals/cell and IHC 2+: perform dual-probe ISH for the final result (groups 2-4 then follow the concurrent-IHC work-up).',
  /** ASCO/CAP 2018 Fig. 2: single-probe 4.0-<6.0 without IHC. */
  singleProbeNeedsIhc:
    'Single-probe ISH with mean HER2 4.0 to <6.0 signals/cell is resolved by concurrent IHC (3+ positive, 0/1+ negative, 2+ dual-probe ISH); the result is pending until IHC is available.',
  /** ASCO/CAP 2018 Fig. 1 note. */
  unusualPattern:
    'IHC 2+ with staining in <=10% of cells: unusual patterns (e.g. intense complete staining in <=10% of cells, or moderate-to-intense incomplete staining) are scored as 2+ equivocal.',
  /** ASCO/CAP 2023 reporting footnote (wording paraphrased; exact text unverified). */
  her2LowFootnote:
    'Patients whose tumours are IHC 1+, or IHC 2+ with negative ISH, may be eligible for therapies that target non-amplified, non-overexpressed HER2 (HER2-low).',
  /** DESTINY-Breast06 / T-DXd label 2025. */
  ultralow:
    'IHC 0 with faint, incomplete membrane staining in >0% and <=10% of tumour cells (HER2-ultralow): report as "IHC 0" with this descriptor; ASCO/CAP 2023 did not adopt ultralow as a formal result category. HER2-ultralow eligibility for trastuzumab deruxtecan requires an FDA-approved test.',
  /** ASCO/CAP 2023 best practices. */
  ihcZero:
    'IHC 0: borderline 0/1+ cases should be examined at high power (40x), with a 1+ control; earlier or other samples of the same patient may score 1+ (ASCO/CAP 2023).',
  /** DESTINY-Breast06 / T-DXd label Jan 2025: HER2-ultralow needs the stained percentage of an IHC 0 result. */
  ihcZeroStainedPercent:
    'IHC 0 without the percentage of tumour cells with membrane staining: record whether faint, incomplete membrane staining is present in >0% and <=10% of cells (HER2-ultralow, eligible for trastuzumab deruxtecan in HR-positive disease after endocrine therapy) or absent (HER2-null).',
  /** ASCO/CAP 2018 Fig. 3: the reported ratio and the ratio computed from the reported means fall on different sides of 2.0. */
  reportedRatioUsed:
    "The laboratory's reported HER2/CEP17 ratio and the ratio computed from its reported mean signals per cell fall on different sides of the 2.0 cut-off; the reported ratio is used (ASCO/CAP 2018: values are compared as the laboratory reports them, rounded to two decimals, and 2.00 counts as >=2.0). Review the counts before acting on this result.",
  /** General: IHC and ISH disagree. */
  discordant:
    'IHC and ISH results are discordant; every final call assumes no histopathologic discordance, so review the case (consider retesting).',
  /** ASCO/CAP 2020: control status must be reported for ER results of 0-10%. */
  erControls:
    'ER 0-10%: report the status of the internal (normal epithelium) and external controls; if the internal control is absent or negative, flag the result and follow the laboratory procedure (repeat testing may be needed) (ASCO/CAP 2020).',
  /** ASCO/CAP 2020 discussion: ER low positive cancers are biologically closer to ER-negative ones. */
  erLowCountedHrPositive:
    'HR status: ER low positive (1-10%) is counted as HR-positive (eligible for endocrine therapy, ASCO/CAP 2020), but these cancers often behave like ER-negative disease; consider this when weighing endocrine-based options.',
  /** ASCO/CAP 2020: ER-negative / PgR-positive is rare. */
  erNegativePrPositive:
    'ER negative with PgR positive is rare; many laboratories repeat ER/PgR testing in this situation (ASCO/CAP 2020). Counted as HR-positive (PgR >=1%).',
  /**
   * ASCO/CAP 2020: ER IHC is the predictive assay for endocrine therapy; PgR is prognostic and does not replace it.
   * her2scope design rule (review s4 #3): PgR positive with ER not tested leaves HR status undecided.
   */
  erNotTestedPrPositive:
    'PgR positive but ER not tested: HR status not decided (ER IHC is the predictive assay for endocrine therapy, ASCO/CAP 2020); test ER.',
  /** ASCO/CAP 2020 ER low positive comment (paraphrased). */
  erLowPositive:
    'ER low positive (1-10% of nuclei): data on endocrine therapy benefit at this level are limited but suggest possible benefit, so the patient is considered eligible; these cancers are heterogeneous and their gene expression is often closer to ER-negative cancers.',
} as const;

export type CommentKey = keyof typeof DEFAULT_COMMENTS;
export type CommentTable = Record<CommentKey, string>;
