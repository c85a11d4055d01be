import { HttpException } from '@nestjs/common';
import { ProblemException, badRequest, payloadTooLarge, titleForStatus } from './problem';

/** The fields body-parser (through http-errors) puts on the errors it passes to `next()`. */
interface BodyParserError {
  type: string;
  status: number;
  expose?: boolean;
  message: string;
  limit?: number;
}

function isBodyParserError(value: unknown): value is BodyParserError {
  const candidate = value as Partial<BodyParserError> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.type === 'string' &&
    typeof candidate.status === 'number'
  );
}

/**
 * The problem for a request body express could not read, or undefined when the error is something else.
 * Nest's express adapter wraps 4xx body-parser errors in an HttpException, keeping the original as `cause`,
 * so both shapes are recognised.
 */
export function bodyParserProblem(exception: unknown): ProblemException | undefined {
  const error = exception instanceof HttpException ? exception.cause : exception;
  if (!isBodyParserError(error) || error.status >= 500) {
    return undefined;
  }
  if (error.type === 'entity.too.large') {
    const limit = typeof error.limit === 'number' ? ` of ${error.limit} bytes` : '';
    return payloadTooLarge(`request body is larger than the limit${limit}`);
  }
  if (error.type === 'entity.parse.failed') {
    // The parser's message quotes the body: it is not echoed back.
    return badRequest('malformed JSON');
  }
  return new ProblemException({
    status: error.status,
    title: titleForStatus(error.status),
    detail: error.expose === false ? titleForStatus(error.status) : error.message,
  });
}
