/**
 * The dashboard's data endpoints, called with the operator token. A browser cannot put a bearer
 * token on a page navigation, so the token is entered once and kept in this tab only
 * (sessionStorage: gone when the tab closes, never sent anywhere but this origin's API).
 */
const KEY = 'ventana.operator-token';

export const operatorToken = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value),
  clear: () => sessionStorage.removeItem(KEY),
};

/** The platform refused the token (401/403): the page asks for it again. */
export class TokenRefused extends Error {}

/** GET /v1/dashboard/<path>; a problem+json answer becomes an error carrying its detail. */
export async function dashboardData(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== undefined)).toString();
  const response = await fetch(`/v1/dashboard/${path}${query ? `?${query}` : ''}`, {
    headers: { authorization: `Bearer ${operatorToken.get()}`, accept: 'application/json' },
    cache: 'no-store',
  });
  const body = await response.json().catch(() => undefined);
  if (response.status === 401 || response.status === 403) throw new TokenRefused(body?.detail ?? 'The platform refused this token.');
  if (!response.ok) throw new Error(body?.detail ?? `The platform answered HTTP ${response.status}.`);
  return body;
}
