/** Which service answers a public path. Everything not named here is the conversation service's. */
export type Upstream = 'conversation' | 'pricing' | 'delivery';

const ROUTES: readonly [RegExp, Upstream][] = [
  [/^\/v1\/customers\/[^/?]+\/(inbox|receipts)(?=[/?]|$)/, 'delivery'],
  [/^\/v1\/rate-cards(?=[/?]|$)/, 'pricing'],
  [/^\/v1\/[^/?]+\/(charges|invoices)(?=[/?]|$)/, 'pricing'],
  // The operator dashboard: its page and the read-model queries it draws live in the pricing service.
  [/^\/(v1\/)?dashboard(?=[/?]|$)/, 'pricing'],
];

export function upstreamFor(path: string): Upstream {
  return ROUTES.find(([pattern]) => pattern.test(path))?.[1] ?? 'conversation';
}
