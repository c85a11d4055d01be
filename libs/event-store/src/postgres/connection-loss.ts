import { StorageUnavailableError } from '../event-store';

/**
 * PostgreSQL went away under a query: the server restarted or failed over, the session was
 * terminated, the network broke. The request that met it is answered 503 and retried by its
 * caller; the pool opens a fresh connection for the next one.
 */
export function isConnectionLoss(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03')) return true;
  if (code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE') return true;
  return typeof message === 'string' && /Connection terminated|connection (is )?closed/i.test(message);
}

/** `error` as a StorageUnavailableError when it is a lost connection, else unchanged. */
export const unlessConnectionLost = (error: unknown): unknown => (isConnectionLoss(error) ? new StorageUnavailableError(error) : error);
