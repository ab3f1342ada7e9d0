/**
 * The pathology input: the `classify --input` object and the case file's `samples[].pathology` block.
 * Validated with zod; every message names the allowed values so that the adapters can print one readable line.
 */
import { z } from 'zod';
import { InputError, formatPath } from '../errors.ts';

export const IHC_SCORES = ['0', '1+', '2+', '3+'] as const;
export type IhcScore = (typeof IHC_SCORES)[number];

const percent = (what: string) =>
  z
    .number({ error: `${what} must be a number from 0 to 100` })
    .min(0, { error: `${what} must be from 0 to 100` })
    .max(100, { error: `${what} must be from 0 to 100` });

const nonNegative = (what: string) =>
  z.number({ error: `${what} must be a number >= 0` }).min(0, { error: `${what} must be >= 0` });

/** YAML reads `ihc: 0` as a number; 0 is unambiguous, every other score must be written with its "+". */
const ihcScore = z.preprocess(
  (v) => (v === 0 ? '0' : v),
  z.enum(IHC_SCORES, { error: 'must be one of "0", "1+", "2+", "3+"' }),
);

export const IshInputSchema = z
  .object({
    probe: z.enum(['dual', 'single'], { error: 'must be one of "dual", "single"' }).optional(),
    her2: nonNegative('mean HER2 signals per cell').optional(),
    cep17: z
      .number({ error: 'mean CEP17 signals per cell must be a number > 0' })
      .gt(0, { error: 'mean CEP17 signals per cell must be > 0' })
      .optional(),
    ratio: nonNegative('HER2/CEP17 ratio').optional(),
  })
  .strict();

export const Her2InputSchema = z
  .object({
    ihc: ihcScore.optional(),
    stainedPercent: percent('percent of tumour cells with membrane staining').optional(),
    ish: IshInputSchema.optional(),
  })
  .strict();

const ALLRED_FORMS = 'must be a total score 0-8 or { proportion: 0-5, intensity: 0-3 }';

const AllredSchema = z.union(
  [
    z.number().int({ error: ALLRED_FORMS }).min(0, { error: ALLRED_FORMS }).max(8, { error: ALLRED_FORMS }),
    z
      .object({
        proportion: z.number({ error: 'must be a whole number 0-5' }).int({ error: 'must be a whole number 0-5' }).min(0, { error: 'must be a whole number 0-5' }).max(5, { error: 'must be a whole number 0-5' }),
        intensity: z.number({ error: 'must be a whole number 0-3' }).int({ error: 'must be a whole number 0-3' }).min(0, { error: 'must be a whole number 0-3' }).max(3, { error: 'must be a whole number 0-3' }),
      })
      .strict(),
  ],
  { error: ALLRED_FORMS },
);

const HSCORE_FORMS = 'must be a score 0-300 or { weak, moderate, strong } percentages';

const HScoreSchema = z.union(
  [
    z.number().min(0, { error: HSCORE_FORMS }).max(300, { error: HSCORE_FORMS }),
    z
      .object({
        weak: percent('percent weak').default(0),
        moderate: percent('percent moderate').default(0),
        strong: percent('percent strong').default(0),
      })
      .strict(),
  ],
  { error: HSCORE_FORMS },
);

export const ReceptorInputSchema = z
  .object({
    percent: percent('percent of tumour nuclei staining').optional(),
    allred: AllredSchema.optional(),
    hScore: HScoreSchema.optional(),
  })
  .strict();

export const PathologyInputSchema = z
  .object({
    her2: Her2InputSchema.optional(),
    er: ReceptorInputSchema.optional(),
    pr: ReceptorInputSchema.optional(),
    ki67: percent('Ki-67 percent').optional(),
  })
  .strict();

export type IshInput = z.infer<typeof IshInputSchema>;
export type Her2Input = z.infer<typeof Her2InputSchema>;
export type ReceptorInput = z.infer<typeof ReceptorInputSchema>;
export type PathologyInput = z.infer<typeof PathologyInputSchema>;

/** Turn the first zod issue into an InputError naming the field path (with an optional prefix such as `samples[1].pathology`). */
export function zodToInputError(error: z.ZodError, prefix = ''): InputError {
  const issue = error.issues[0];
  if (!issue) return new InputError(prefix, 'invalid input');
  let path = issue.path;
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = [...path, issue.keys[0] ?? ''];
    message = 'unknown field';
  }
  return new InputError(formatPath(path, prefix), message);
}

/** Validate an unknown value (parsed JSON/YAML) as a pathology block. */
export function parsePathologyInput(value: unknown, prefix = ''): PathologyInput {
  const r = PathologyInputSchema.safeParse(value ?? {});
  if (!r.success) throw zodToInputError(r.error, prefix);
  return r.data;
}
