/**
 * An error in user-supplied input. `field` names where the problem is, as a dotted path
 * (e.g. `her2.ish.cep17` or `samples[1].pathology.her2.ihc`). Adapters print it as one line and exit 2.
 */
export class InputError extends Error {
  readonly field: string;
  /** The message without the field prefix. */
  readonly detail: string;
  constructor(field: string, message: string) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'InputError';
    this.field = field;
    this.detail = message;
  }

  /** The same error with its field anchored under a parent path (e.g. `samples[1].pathology`). */
  under(prefix: string): InputError {
    return new InputError(this.field ? `${prefix}.${this.field}` : prefix, this.detail);
  }
}

/** Join a path of keys and indices the way users read it: `samples[1].pathology.her2.ihc`. */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * Checked access for a value the code expects to be present (an index inside a range just checked, a key set just
 * before): `xs[i] ?? missingValue('xs[i]')` instead of the unchecked `xs[i]!`. If the expectation is wrong it throws
 * an Error naming the expression, instead of letting `undefined` travel on. Input that may lack a value is checked
 * where it is read and gets an InputError naming the file, line and field.
 */
export function missingValue(what: string): never {
  throw new Error(`missing value: ${what}`);
}

/**
 * `value` itself unless it is undefined (null passes through): checked access for a `T | null` slot that the code
 * expects to be set, e.g. `defined(counts[i], 'counts[i]')` where a null count means "not reported".
 */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) return missingValue(what);
  return value;
}
