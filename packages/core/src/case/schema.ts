/**
 * The case file: one patient's serial samples and treatments (YAML or JSON). Validated with zod; errors name the
 * path, e.g. `samples[1].pathology.her2.ihc`. File references are kept as written; the adapter resolves them
 * against the case file's folder.
 */
import { z } from 'zod';
import { PathologyInputSchema, zodToInputError } from '../classification/input.ts';

export const TREATMENT_SETTINGS = ['early', 'metastatic'] as const;
/** `plasma`: a blood draw for circulating tumour DNA (ctDNA); its site may be omitted (it is blood). */
export const SAMPLE_TYPES = ['primary', 'recurrence', 'metastasis', 'plasma'] as const;
export const SITES = ['breast', 'bone', 'liver', 'lung', 'brain', 'lymph node', 'skin', 'blood', 'other'] as const;
/** The site of a plasma sample that gives none. */
export const PLASMA_SITE = 'blood' as const;

/** ISO calendar date YYYY-MM-DD (YAML may already have turned it into a Date). */
const isoDate = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
  z
    .string({ error: 'must be a date YYYY-MM-DD' })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date YYYY-MM-DD' })
    .refine((s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
    }, { error: 'is not a real calendar date' }),
);

const fileRef = z.string({ error: 'must be a file path' }).min(1, { error: 'must be a file path' });

export const CaseSampleSchema = z
  .object({
    id: z.string({ error: 'must be a text id' }).min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, { error: 'may contain only letters, digits, ".", "_" and "-"' }),
    type: z.enum(SAMPLE_TYPES, { error: `must be one of ${SAMPLE_TYPES.join(', ')}` }),
    /** Required for tissue samples; a plasma sample without one is from blood (PLASMA_SITE). */
    site: z.enum(SITES, { error: `must be one of ${SITES.join(', ')}` }).optional(),
    collected: isoDate,
    /** Tumour purity (fraction of tumour cells, 0-1), used to purity-adjust detection power for "acquired". */
    purity: z.number({ error: 'must be a fraction from 0 to 1' }).gt(0, { error: 'must be a fraction > 0 and <= 1' }).max(1, { error: 'must be a fraction > 0 and <= 1' }).optional(),
    /**
     * Plasma only: circulating tumour DNA fraction (0-1) estimated for the draw (e.g. ichorCNA), shown beside the
     * draw; informational (not used in a calculation).
     */
    tumorFraction: z.number({ error: 'must be a fraction from 0 to 1' }).min(0, { error: 'must be a fraction from 0 to 1' }).max(1, { error: 'must be a fraction from 0 to 1' }).optional(),
    /**
     * The sample is a surgical resection specimen (true). Early setting: surgery has happened, so a neoadjuvant-only
     * regimen is no longer an option (analysis/state.ts). Default: not stated (a biopsy or unknown); a neoadjuvant
     * regimen is then still withheld once any early-setting treatment was given.
     */
    surgery: z.boolean({ error: 'must be true or false' }).optional(),
    pathology: PathologyInputSchema.optional(),
    variants: z
      .object({
        file: fileRef,
        tumor: z.string().optional(),
        normal: z.string().optional(),
        regions: fileRef.optional(),
        /** Sample-level mean depth, used for coverage when the BED has no depth column. */
        meanDepth: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    /**
     * Aligned reads for the read-level look-back (docs/reads.md): BAM (index `.bai`/`.csi` beside it, or `index`) or
     * CRAM (`.crai` beside it, or `index`; `reference` = the FASTA it was written against, with `.fai`).
     */
    reads: z
      .object({
        file: fileRef,
        index: fileRef.optional(),
        reference: fileRef.optional(),
      })
      .strict()
      .optional(),
    /**
     * Copy-number segments from sequencing: CNVkit `.cns` / `.call.cns`, SEG (`sample` picks the ID), PCGR-style CNA
     * TSV, or VCF `<DEL>/<DUP>/<AMP>` with CN. `purity` / `ploidy` convert log2 ratios to copies (default: the
     * sample's purity, ploidy 2).
     */
    copyNumber: z
      .object({
        file: fileRef,
        purity: z.number({ error: 'must be a fraction > 0 and <= 1' }).gt(0, { error: 'must be a fraction > 0 and <= 1' }).max(1, { error: 'must be a fraction > 0 and <= 1' }).optional(),
        ploidy: z.number({ error: 'must be a number > 0 and <= 10' }).gt(0, { error: 'must be a number > 0 and <= 10' }).max(10, { error: 'must be a number > 0 and <= 10' }).optional(),
        sample: z.string({ error: 'must be a sample name' }).min(1, { error: 'must be a sample name' }).optional(),
      })
      .strict()
      .optional(),
    cytometry: z
      .object({
        file: fileRef,
        panel: fileRef.optional(),
        control: fileRef.optional(),
        gates: fileRef.optional(),
        /** FlowJo 10 workspace (.wsp) whose sample matching `file` gives the populations; `group` / `sample` pick it. */
        workspace: fileRef.optional(),
        group: z.string({ error: 'must be a workspace group name' }).min(1).optional(),
        sample: z.string({ error: 'must be a workspace sample name' }).min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const TreatmentSchema = z
  .object({
    drug: z.string().min(1),
    start: isoDate,
    end: isoDate.optional(),
    response: z.enum(['complete-response', 'partial-response', 'stable', 'progression', 'unknown'], { error: 'must be one of complete-response, partial-response, stable, progression, unknown' }).optional(),
    /**
     * Where the treatment was given: `early` (neoadjuvant / adjuvant / extended adjuvant) or `metastatic`. Default:
     * metastatic when it started on or after the first metastasis/recurrence sample, else early.
     */
    setting: z.enum(TREATMENT_SETTINGS, { error: `must be one of ${TREATMENT_SETTINGS.join(', ')}` }).optional(),
    /** Metastatic line of therapy (1 = first line). Default: counted from the metastatic treatments' start dates. */
    line: z.number({ error: 'must be a whole number >= 1' }).int({ error: 'must be a whole number >= 1' }).min(1, { error: 'must be a whole number >= 1' }).optional(),
  })
  .strict()
  .refine((t) => !t.end || t.end >= t.start, { error: 'end is before start', path: ['end'] });

export const CaseFileSchema = z
  .object({
    patient: z
      .object({
        id: z.string().min(1).max(128),
        sex: z.enum(['F', 'M', 'X']).optional(),
        birthYear: z.number().int().min(1900).max(2100).optional(),
        synthetic: z.boolean().optional(),
        /**
         * Disease setting now: `early` or `metastatic`. Default: metastatic when any sample is a metastasis or a
         * recurrence, else early.
         */
        setting: z.enum(TREATMENT_SETTINGS, { error: `must be one of ${TREATMENT_SETTINGS.join(', ')}` }).optional(),
      }, { error: 'required: { id, sex?, birthYear?, synthetic?, setting? }' })
      .strict(),
    samples: z.array(CaseSampleSchema, { error: 'required: a list of samples' }).min(1, { error: 'a case needs at least one sample' }),
    treatments: z.array(TreatmentSchema).default([]),
    /** Minimum depth at which an earlier sample counts as having covered a position (default 50). */
    minDepth: z.number().int().positive().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.samples.forEach((s, i) => {
      if (s.site === undefined && s.type !== 'plasma') ctx.addIssue({ code: 'custom', message: `required for a ${s.type} sample (one of ${SITES.join(', ')})`, path: ['samples', i, 'site'] });
      if (s.surgery === true && s.type === 'plasma') ctx.addIssue({ code: 'custom', message: 'a plasma sample is not a surgical specimen', path: ['samples', i, 'surgery'] });
      if (s.tumorFraction !== undefined && s.type !== 'plasma') ctx.addIssue({ code: 'custom', message: 'is for plasma samples only', path: ['samples', i, 'tumorFraction'] });
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', message: `duplicate sample id '${s.id}'`, path: ['samples', i, 'id'] });
      seen.add(s.id);
    });
  });

export type CaseFile = z.infer<typeof CaseFileSchema>;
export type CaseSample = z.infer<typeof CaseSampleSchema>;
export type Treatment = z.infer<typeof TreatmentSchema>;

/** Validate a parsed case file; throws InputError naming the path. */
export function parseCaseFile(value: unknown): CaseFile {
  const r = CaseFileSchema.safeParse(value);
  if (!r.success) throw zodToInputError(r.error);
  return r.data;
}
