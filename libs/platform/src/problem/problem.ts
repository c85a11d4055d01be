import { STATUS_CODES } from 'node:http';

/** One failing input field; `field` is a dotted path such as `template.parameter_count`. */
export interface FieldError {
  field: string;
  detail: string;
}

export interface ProblemInit {
  status: number;
  title: string;
  detail: string;
  /** Defaults to `https://ventana.dev/problems/<slug of title>`. */
  type?: string;
  errors?: FieldError[];
  /** RFC 9457 extension members, sent next to the standard ones. */
  extra?: Record<string, unknown>;
  /** Response headers the problem needs (`retry-after` on a 429). */
  headers?: Record<string, string>;
  cause?: unknown;
}

const PROBLEM_TYPE_BASE = 'https://ventana.dev/problems/';

/** An error that the problem filter answers as-is: everything in it is meant for the client. */
export class ProblemException extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  readonly errors?: FieldError[];
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ProblemException';
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.type = init.type ?? problemType(init.title);
    this.errors = init.errors;
    this.extra = init.extra;
    this.headers = init.headers;
  }
}

/** `Not found` → `https://ventana.dev/problems/not-found`. */
export function problemType(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return PROBLEM_TYPE_BASE + slug;
}

/** The HTTP reason phrase in sentence case (`Payload Too Large` → `Payload too large`), so titles read alike. */
export function titleForStatus(status: number): string {
  const phrase = STATUS_CODES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
  return phrase.charAt(0) + phrase.slice(1).toLowerCase();
}

function problemFor(status: number, detail: string, errors?: FieldError[]): ProblemException {
  return new ProblemException({ status, title: titleForStatus(status), detail, errors });
}

export const badRequest = (detail: string, errors?: FieldError[]): ProblemException => problemFor(400, detail, errors);
export const unauthorized = (detail: string): ProblemException => problemFor(401, detail);
export const forbidden = (detail: string): ProblemException => problemFor(403, detail);
export const notFound = (detail: string): ProblemException => problemFor(404, detail);
export const conflict = (detail: string): ProblemException => problemFor(409, detail);
export const unprocessable = (detail: string): ProblemException => problemFor(422, detail);
export const payloadTooLarge = (detail: string): ProblemException => problemFor(413, detail);

/** 429 with `Retry-After` (whole seconds, at least 1), also given as the `retry_after_seconds` member. */
export const tooManyRequests = (detail: string, retryAfterMs: number): ProblemException => {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new ProblemException({ status: 429, title: titleForStatus(429), detail, headers: { 'retry-after': String(seconds) }, extra: { retry_after_seconds: seconds } });
};
