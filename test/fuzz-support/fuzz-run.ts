import fc from 'fast-check';
import { type BodyCase, mutatedBody, queryString, strayBody } from './arbitraries';
import type { Fixture } from './fixture';
import { type RawAnswer, type RawRequest, send } from './raw-http';
import type { Auth, RouteSpec } from './routes';

/** The tokens a request can carry: each kind api.md names, another tenant's, forged, malformed, none. */
export type TokenKind =
  | 'operator'
  | 'business'
  | 'other-business'
  | 'device'
  | 'other-device'
  | 'forged-business'
  | 'forged-device'
  | 'garbage'
  | 'malformed'
  | 'none';

export function authorizations(f: Fixture): Record<TokenKind, string[]> {
  return {
    operator: [`Bearer ${f.admin}`],
    business: [`Bearer ${f.shop.apiKey}`],
    'other-business': [`Bearer ${f.other.apiKey}`],
    device: [`Bearer ${f.alice.token}`],
    'other-device': [`Bearer ${f.bob.token}`],
    'forged-business': [`Bearer vk_${f.shop.id}.${'A'.repeat(43)}`, `Bearer vk_../${f.shop.id}.x`],
    'forged-device': [`Bearer vd_${f.alice.waId}.${'A'.repeat(43)}`, `Bearer vd_${f.alice.waId}`],
    garbage: ['Bearer hello', `Bearer ${'z'.repeat(5000)}`, 'Bearer ===='],
    malformed: ['Basic YWRtaW46YWRtaW4=', 'Bearer', `Bearer ${f.admin} ${f.admin}`, `Token ${f.shop.apiKey}`, '\u00e9\u00e9'],
    none: [],
  };
}

/** The tokens of the kind a route requires, and the path parameter naming whose data it is. */
const REQUIRED: Record<Exclude<Auth, 'public'>, { kinds: TokenKind[]; tenant?: string }> = {
  operator: { kinds: ['operator'] },
  business: { kinds: ['business', 'other-business'], tenant: 'business_id' },
  device: { kinds: ['device', 'other-device'], tenant: 'wa_id' },
};

/** Whose token each kind is: a token may only reach its own owner's data. */
const ownerOf = (f: Fixture): Partial<Record<TokenKind, string>> => ({
  business: f.shop.id,
  'other-business': f.other.id,
  device: f.alice.waId,
  'other-device': f.bob.waId,
});

export interface FuzzCase {
  request: Omit<RawRequest, 'headers'> & { headers: Record<string, string> };
  /** What was generated, for failure messages. */
  note: string;
  /** No reading of api.md allows a success for it. */
  mustReject: boolean;
}

/** The generator of one route's requests: token, method, path, query, headers and body. */
export function requestsFor(spec: RouteSpec, f: Fixture): fc.Arbitrary<FuzzCase> {
  const [method, template] = spec.route.split(' ');
  const kinds = Object.keys(authorizations(f)) as TokenKind[];
  const required = spec.auth === 'public' ? undefined : REQUIRED[spec.auth];
  // Mostly the token the route expects, so that requests get past the guards to validation.
  const token = required
    ? fc.oneof(
        { arbitrary: fc.constant(required.kinds[0]), weight: 3 },
        { arbitrary: fc.constantFrom(...kinds.filter((k) => k !== required.kinds[0])), weight: 2 },
      )
    : fc.constantFrom(...kinds);
  type Authorization = { kind: TokenKind; value?: string };
  const header = token.chain((kind): fc.Arbitrary<Authorization> =>
    kind === 'none'
      ? fc.constant<Authorization>({ kind })
      : fc.constantFrom(...authorizations(f)[kind]).map((value): Authorization => ({ kind, value })),
  );
  const params = fc.record(spec.params ?? {});
  const query = spec.query
    ? queryString(spec.query)
    : fc.oneof({ arbitrary: fc.constant(''), weight: 9 }, { arbitrary: queryString({ x: fc.string() }), weight: 1 });
  const body: fc.Arbitrary<BodyCase> = spec.body ? mutatedBody(spec.body) : strayBody;
  const verb = fc.oneof({ arbitrary: fc.constant(method), weight: 19 }, { arbitrary: fc.constant('PATCH'), weight: 1 });
  return fc
    .record({ header, params, query, body, verb, extra: spec.headers ?? fc.constant({}) })
    .map(({ header: auth, params: values, query: qs, body: b, verb: m, extra }) => {
      const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => values[name]) + (qs ? `?${qs}` : '');
      const headers: Record<string, string> = {
        ...extra,
        ...(auth.value !== undefined && { authorization: auth.value }),
        ...(b.contentType && { 'content-type': b.contentType }),
      };
      const wrongToken =
        required !== undefined &&
        (!required.kinds.includes(auth.kind) || (required.tenant !== undefined && values[required.tenant] !== ownerOf(f)[auth.kind]));
      return {
        request: { method: m, path, headers, ...(b.text !== undefined && { body: b.text }) },
        note: `token ${auth.kind}, ${b.note}${m !== method ? ', wrong method' : ''}`,
        mustReject: wrongToken || m !== method || (spec.body !== undefined && b.mustReject),
      };
    });
}

/** Why an answer breaks the contract, or undefined when it keeps it. */
export function breach(spec: RouteSpec, c: FuzzCase, answer: RawAnswer): string | undefined {
  if (answer.status >= 500) return `a ${answer.status}`;
  if (answer.status >= 400) return problemBreach(answer);
  if (c.mustReject) return `accepted (${answer.status}) though it must be refused`;
  if (answer.status !== spec.success) return `${answer.status} is not the documented ${spec.success}`;
  if (!spec.shape(answer)) return `the ${answer.status} is not the documented shape`;
  return undefined;
}

/** api.md: errors are application/problem+json with type, title, status, detail, and field-level `errors`. */
function problemBreach(answer: RawAnswer): string | undefined {
  const type = String(answer.headers['content-type'] ?? '');
  if (!type.startsWith('application/problem+json')) return `a ${answer.status} as ${type || 'no media type'}, not application/problem+json`;
  const p = answer.json as Record<string, unknown> | undefined;
  if (!p || typeof p.type !== 'string' || typeof p.title !== 'string' || typeof p.detail !== 'string' || p.status !== answer.status) {
    return `a ${answer.status} problem without type, title, status and detail`;
  }
  const fields = p.errors;
  if (
    fields !== undefined &&
    !(Array.isArray(fields) && fields.every((e) => typeof e?.field === 'string' && typeof e?.detail === 'string'))
  ) {
    return `a ${answer.status} problem whose errors are not [{field, detail}]`;
  }
  return undefined;
}

/** A rejected request, kept to be sent again in the replay. */
export interface Rejected {
  route: string;
  request: FuzzCase['request'];
  note: string;
}

/** Counts every answer and keeps what was refused; throws (for fast-check to shrink) on a breach. */
export class FuzzTally {
  cases = 0;
  fivexx = 0;
  readonly byStatus: Record<string, number> = {};
  readonly rejected: Rejected[] = [];
  private counter = 0;

  constructor(private readonly baseUrl: string) {}

  /** Sends the case with a fresh request id (its events' correlation id) and returns that id with the answer. */
  async exchange(request: FuzzCase['request'], idPrefix: string): Promise<{ requestId: string; answer: RawAnswer }> {
    const requestId = `${idPrefix}${++this.counter}`;
    const answer = await send(this.baseUrl, { ...request, headers: { ...request.headers, 'x-request-id': requestId } });
    this.cases++;
    if (answer.status >= 500) this.fivexx++;
    this.byStatus[answer.status] = (this.byStatus[answer.status] ?? 0) + 1;
    return { requestId, answer };
  }

  /** One route, `runs` generated cases; returns the request ids of those refused. */
  async fuzz(spec: RouteSpec, cases: fc.Arbitrary<FuzzCase>, runs: number, seed: number): Promise<Map<string, Rejected>> {
    const refused = new Map<string, Rejected>();
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const { requestId, answer } = await this.exchange(c.request, ID_PREFIX);
        const broken = breach(spec, c, answer);
        if (broken)
          throw new Error(`${c.request.method} ${c.request.path.slice(0, 300)} (${c.note}): ${broken}: ${answer.text.slice(0, 300)}`);
        if (answer.status >= 400) refused.set(requestId, { route: spec.route, request: c.request, note: c.note });
      }),
      // Shrinking a failure against a live platform can take long: stop it short of the test's timeout.
      { numRuns: runs, seed, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: true },
    );
    this.rejected.push(...refused.values());
    return refused;
  }
}

/** Every fuzz request id starts with it, so the store can be asked which of them caused events. */
export const ID_PREFIX = 'fuzz-';
