import { randomUUID } from 'node:crypto';
import type { Causation } from '@ventana/event-store';
import type { RecordedEvent } from '@ventana/event-store';
import type { HttpRequest } from '../http/http-types';
import { requestIdOf } from '../http/request-id';
import type { Clock } from '../runtime/clock';

/** Causation of events written for an HTTP request: the request id starts a new correlation. */
export const fromRequest = (requestId: string | undefined, now: number): Causation => {
  const id = requestId ?? randomUUID();
  return { correlationId: id, causationId: id, time: new Date(now).toISOString() };
};

/** Causation of events written in reaction to another event: same correlation, caused by it. */
export const fromEvent = (event: RecordedEvent, now: number): Causation => ({
  correlationId: event.metadata.correlationId,
  causationId: event.id,
  time: new Date(now).toISOString(),
});

/** Causation for the events an HTTP request writes, timed by the platform clock. */
export const requestCausation = (req: HttpRequest, clock: Clock): Causation => fromRequest(requestIdOf(req), clock.now());
