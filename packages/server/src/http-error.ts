/** An error with an HTTP status and a stable machine-readable code; the message is safe to show the user. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly field: string | undefined;
  /** Field-level problems (400 invalid-input): each field with its human name and a message naming it. */
  readonly fields: FieldProblem[] | undefined;
  constructor(statusCode: number, code: string, message: string, field?: string, fields?: FieldProblem[]) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.field = field;
    this.fields = fields;
  }
}

/**
 * One field's problem as the API reports it (issue 17): `field` is the input's key as sent (`end`, `birthYear`,
 * `her2.ihc`), `label` its human name ("End date"), `message` a sentence that names the field by that name.
 */
export interface FieldProblem {
  field: string;
  label: string;
  message: string;
}

export const notFound = (what: string) => new HttpError(404, 'not-found', `${what} not found`);
export const badRequest = (message: string, field?: string) => new HttpError(400, 'invalid-input', message, field);

/** A 400 listing every field problem; the message is the first one's. */
export function invalidFields(fields: FieldProblem[]): HttpError {
  const first = fields[0];
  if (!first) throw new Error('invalidFields needs at least one problem');
  return new HttpError(400, 'invalid-input', first.message, first.field, fields);
}
