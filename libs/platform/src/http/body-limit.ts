import { type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { bodyParserProblem } from '../problem/body-parser-problem';
import { type ProblemException, badRequest } from '../problem/problem';
import type { ExpressRequest, ExpressResponse, NextFunction } from './express-types';

export const DEFAULT_BODY_LIMIT = '256kb';

/** Deeper JSON than any request of the contract needs; far deeper would overflow the stack in validation. */
export const MAX_BODY_DEPTH = 32;

/** Requests whose body cannot be accepted, with the problem to answer once the guards have run. */
const unreadableBodies = new WeakMap<object, ProblemException>();

/**
 * Parses JSON bodies (`application/json` and `application/*+json`) up to `limit`.
 * Call before `listen()`/`init()`: express runs middleware in registration order, and Nest skips
 * its own JSON parser once one is installed, so this works whether or not the app was created
 * with `bodyParser: false` (prefer false, so no urlencoded parser is installed either).
 * A larger body fails in body-parser with `entity.too.large`; Nest hands that to the global
 * filters, which answer 413. Create the app with `rawBody: true` to also keep `req.rawBody`
 * (for signature checks); Nest then adds the capturing `verify` hook to this parser.
 * Malformed JSON, or JSON nested deeper than MAX_BODY_DEPTH, is invalid input like any other: it is
 * answered 400 only after authentication (an interceptor runs after the guards), so a caller
 * without the right token gets 401/403.
 */
export function configureBodyParsing(app: NestExpressApplication, limit: string | number = DEFAULT_BODY_LIMIT): void {
  app.useBodyParser('json', { limit, type: ['application/json', 'application/*+json'] });
  app.use((req: ExpressRequest & { body?: unknown }, _res: ExpressResponse, next: NextFunction) => {
    if (nestedDeeperThan(req.body, MAX_BODY_DEPTH)) {
      unreadableBodies.set(req, badRequest(`JSON nested deeper than ${MAX_BODY_DEPTH} levels`));
      req.body = undefined;
    }
    next();
  });
  app.use((error: unknown, req: ExpressRequest, _res: ExpressResponse, next: NextFunction) => {
    if ((error as { type?: unknown } | null)?.type !== 'entity.parse.failed') return next(error);
    unreadableBodies.set(req, bodyParserProblem(error)!);
    next();
  });
  app.useGlobalInterceptors(new UnreadableBodyInterceptor());
}

class UnreadableBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const problem = unreadableBodies.get(context.switchToHttp().getRequest<ExpressRequest>());
    if (problem) throw problem;
    return next.handle();
  }
}

/** Walks without recursion, so the check itself cannot overflow the stack. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}
