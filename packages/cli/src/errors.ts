/** A problem with what the user typed or supplied: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes: 0 success, 1 internal error, 2 bad input or usage. */
export const EXIT = { ok: 0, internal: 1, input: 2 } as const;
