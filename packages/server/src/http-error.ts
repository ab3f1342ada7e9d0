/** An error with an HTTP status and a stable machine-readable code; the message is safe to show the user. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly field: string | undefined;
  constructor(statusCode: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.field = field;
  }
}

export const notFound = (what: string) => new HttpError(404, 'not-found', `${what} not found`);
export const badRequest = (message: string, field?: string) => new HttpError(400, 'invalid-input', message, field);
