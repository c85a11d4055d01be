import type { IncomingHttpHeaders } from 'node:http';
import type { Business, CustomerDevice } from '@ventana/domain';

/** Who is calling, as established by one of the access guards. */
export type Principal = { kind: 'operator' } | { kind: 'business'; business: Business } | { kind: 'device'; device: CustomerDevice };

export interface AuthenticatedRequest {
  principal?: Principal;
  /** The client's address (Fastify's, X-Forwarded-For only from TRUST_PROXY's proxies). */
  ip?: string;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
}
