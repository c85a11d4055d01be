import fc from 'fast-check';

/**
 * The raw material of the fuzz: values of every wrong kind, bad phone numbers, bad base64, bad path
 * segments and query strings. Integers stay small or far out of any range the contract allows, so a
 * generated "valid" clock advance moves platform time by seconds, not by years.
 */

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** A valid phone number / wa_id: digits only, no leading 0, 8–15 digits. */
export const validPhone = (countryCode = '') =>
  fc.stringMatching(new RegExp(`^${countryCode}[1-9][0-9]{9,12}$`)).map((p) => p.slice(0, 15));

/** NaCl box output shapes: what a real client sends. */
export const ciphertext = fc.uint8Array({ minLength: 16, maxLength: 120 }).map(b64);
export const nonce = fc.uint8Array({ minLength: 24, maxLength: 24 }).map(b64);
export const publicKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(b64);
export const sealed = fc.record({ ciphertext, nonce });

const SPECIAL_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfff',
  '\ufeff',
  '\u202eevil',
  '😀',
  '{{1}}',
  '../../etc/passwd',
  "'; DROP TABLE events; --",
  '%00',
  '1e309',
  '-0',
  'null',
  'true',
  '__proto__',
  '<script>alert(1)</script>',
];

const hugeString = fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n));

export const weirdString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL_STRINGS), weight: 4 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 2 },
  { arbitrary: hugeString, weight: 1 },
);

const weirdNumber = fc.oneof(
  fc.integer({ min: -10, max: 10 }),
  fc.double({ min: -1, max: 1, noNaN: true }),
  fc.constantFrom(-1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 53), 1e20, 1e308, -1e308, Number.MIN_VALUE),
);

/** JSON nested `depth` levels deep, of arrays or objects (the platform refuses past 32). */
export const deepNesting = fc.tuple(fc.integer({ min: 10, max: 60 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});

/** Any JSON value, mostly of the wrong type for whatever field it lands in. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: weirdString, weight: 5 },
  { arbitrary: weirdNumber, weight: 3 },
  { arbitrary: fc.constantFrom(true, false, null), weight: 2 },
  { arbitrary: fc.array(fc.oneof(weirdString, weirdNumber), { maxLength: 4 }), weight: 1 },
  { arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), weirdNumber, { maxKeys: 3 }), weight: 1 },
  { arbitrary: deepNesting, weight: 1 },
);

/** Wrong phone numbers: with +, too short or long, leading 0, letters, spaces, other digits, numbers. */
export const badPhone: fc.Arbitrary<unknown> = fc.oneof(
  validPhone().map((p) => `+${p}`),
  validPhone().map((p) => `0${p.slice(1)}`),
  fc.stringMatching(/^[1-9][0-9]{0,6}$/),
  fc.stringMatching(/^[1-9][0-9]{15,30}$/),
  validPhone().map((p) => `${p.slice(0, 4)} ${p.slice(4)}`),
  validPhone().map((p) => `${p.slice(0, 4)}-${p.slice(4)}`),
  validPhone().map((p) => p.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)))),
  validPhone().map((p) => p.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)))),
  validPhone().map((p) => `${p.slice(0, -2)}ab`),
  validPhone().map(Number),
  fc.constantFrom('', '+', '00447700900123', '4477009001\n', ' 447700900123'),
);

/** Base64 that is not what a box or a key needs: wrong alphabet, lengths, padding, plaintext. */
export const badBase64: fc.Arbitrary<unknown> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Buffer.from(b).toString('base64url')),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => b64(b).replace(/=+$/, '')),
  fc.uint8Array({ minLength: 0, maxLength: 15 }).map(b64),
  fc
    .uint8Array({ minLength: 23, maxLength: 25 })
    .filter((b) => b.length !== 24)
    .map(b64),
  fc
    .uint8Array({ minLength: 31, maxLength: 33 })
    .filter((b) => b.length !== 32)
    .map(b64),
  fc.uint8Array({ minLength: 24, maxLength: 48 }).map((b) => `${b64(b).slice(0, 8)}\n${b64(b).slice(8)}`),
  fc.constantFrom('hello world', '====', 'A', 'AAAA AAAA', '\u00e9\u00e9\u00e9\u00e9'),
);

/** Values for fields the contract gives a meaning: phones and base64 get their own ways of being wrong. */
export function fieldValue(name: string | number): fc.Arbitrary<unknown> {
  if (['to', 'wa_id', 'phone_number', 'business_phone'].includes(String(name))) return fc.oneof(badPhone, weirdValue, validPhone());
  if (['ciphertext', 'nonce', 'public_key'].includes(String(name))) return fc.oneof(badBase64, weirdValue);
  return weirdValue;
}

// ---- path segments and query strings --------------------------------------------------------

/** Percent-encoded UTF-8; an unpaired surrogate (which UTF-8 cannot encode) goes as U+FFFD. */
const wire = (text: string) =>
  encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

const RAW_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E%2F%2E%2E',
  '..%2f..%2fetc%2fpasswd',
  '%',
  '%zz',
  '%0',
  '%00',
  '%ED%A0%80',
  '%C0%AF',
  '%FF',
  '%252e%252e',
  '%20',
  '+',
  '~',
  '%2F',
  'a%2Fb',
  '*',
  'null',
  'undefined',
  '-1',
  '0',
  '1e9',
  "'%3B--",
  '%3Cscript%3E',
];

/** A path segment as it goes on the wire: valid ones mostly, else traversal, bad encodings, unicode, lengths. */
export function segment(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const encodedValid = valid.map(wire);
  return fc.oneof(
    { arbitrary: encodedValid, weight: 8 },
    { arbitrary: fc.constantFrom(...RAW_SEGMENTS), weight: 3 },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map(wire), weight: 2 },
    { arbitrary: fc.string({ minLength: 1, maxLength: 30 }).map(wire), weight: 1 },
    { arbitrary: fc.integer({ min: 90, max: 6_000 }).map((n) => 'a'.repeat(n)), weight: 1 },
    {
      arbitrary: fc.tuple(encodedValid, fc.constantFrom('..', '%00', '%20', '/..', '/', 'x', '%2F..', '.html')).map(([v, s]) => v + s),
      weight: 2,
    },
    { arbitrary: badPhone.map((p) => wire(String(p))), weight: 2 },
    { arbitrary: fc.constant(''), weight: 1 },
  );
}

/** One `name=value` pair of a query string, its value wire-encoded or raw. */
const pair = (name: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
  fc.tuple(name, value, fc.boolean()).map(([n, v, encode]) => `${n}=${encode ? wire(v) : v.replace(/[^!-~]|[#&]/gu, wire)}`);

/** A query string (without `?`): the route's own parameters, valid or not, repeated, unknown, malformed. */
export function queryString(params: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const names = Object.keys(params);
  const known = names.map((name) =>
    pair(
      fc.constant(name),
      fc.oneof({ arbitrary: params[name], weight: 3 }, { arbitrary: weirdString.filter((s) => s.length < 2_000), weight: 2 }),
    ),
  );
  const parts = fc.oneof(
    { arbitrary: fc.constant(''), weight: 3 },
    ...known.map((arbitrary) => ({ arbitrary, weight: 4 })),
    {
      arbitrary: pair(
        fc.constantFrom(...names.map((n) => `${n}[]`), 'x', 'currency', '__proto__', 'constructor[prototype]'),
        fc.string({ maxLength: 10 }),
      ),
      weight: 1,
    },
    { arbitrary: fc.constantFrom('%', '&&&', '=', '==x', 'from', '%ZZ=1', 'a=%ED%A0%80', 'a=%00'), weight: 1 },
  );
  return fc.array(parts, { maxLength: 4 }).map((list) => list.filter(Boolean).join('&'));
}

// ---- bodies ---------------------------------------------------------------------------------

/** One generated body: the bytes sent, how, and whether the contract leaves no way to accept it. */
export interface BodyCase {
  note: string;
  text?: string;
  contentType?: string;
  /** True when no reading of api.md allows a 2xx for it: an unknown field, not an object, malformed. */
  mustReject: boolean;
}

type Path = (string | number)[];

/** Every path into `value` below the root: object keys and array indices. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    return [path, ...pathsOf(child, path)];
  });
}

function containerPathsOf(value: unknown): Path[] {
  return [[], ...pathsOf(value)].filter((path) => {
    const target = path.reduce<any>((node, key) => node[key], value);
    return target !== null && typeof target === 'object' && !Array.isArray(target);
  });
}

/** A copy of `value` with `change` applied at `path`; unchanged when an earlier edit left no object there. */
function edit(value: unknown, path: Path, change: (parent: any, key: string | number) => void): unknown {
  const copy = structuredClone(value) as any;
  const parent = path.slice(0, -1).reduce((node, key) => (node !== null && typeof node === 'object' ? node[key] : undefined), copy);
  if (parent !== null && typeof parent === 'object') change(parent, path[path.length - 1]);
  return copy;
}

const json = (value: unknown, note: string, mustReject = false): BodyCase => ({
  note,
  text: JSON.stringify(value),
  contentType: 'application/json',
  mustReject,
});

/** Field names no body may carry; one that is a field of the object it lands in replaces that field instead. */
const unknownKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'is_admin', 'id', 'status', 'business_id', ''),
  fc.string({ unit: 'binary', maxLength: 12 }).map((k) => `x_${k}`),
);

/** A valid-shaped body, then changed: one field replaced, removed, or added, or the whole body wrong. */
export function mutatedBody(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<BodyCase> {
  return valid.chain((body) => {
    const paths = pathsOf(body);
    const replaced = fc.constantFrom(...paths).chain((path) =>
      fieldValue(path[path.length - 1]).map((v) =>
        json(
          edit(body, path, (parent, key) => (parent[key] = v)),
          `${path.join('.')} replaced`,
        ),
      ),
    );
    const removed = fc.constantFrom(...paths).map((path) =>
      json(
        edit(body, path, (parent, key) => delete parent[key]),
        `${path.join('.')} removed`,
      ),
    );
    const added = fc.tuple(fc.constantFrom(...containerPathsOf(body)), unknownKey, weirdValue).map(([path, key, v]) => {
      const container = path.reduce<any>((node, k) => node[k], body);
      const changed =
        path.length === 0 ? { ...body, [key]: v } : edit(body, path, (parent, last) => (parent[last] = { ...parent[last], [key]: v }));
      return json(changed, `field ${JSON.stringify(key)} added to ${path.join('.') || 'body'}`, !Object.hasOwn(container, key));
    });
    // JSON.stringify would drop a `__proto__` key set by assignment: this one is written into the text.
    const protoKey = fc.constant({
      note: '__proto__ member',
      text: JSON.stringify(body).replace(/^\{/, '{"__proto__":{"is_admin":true},'),
      contentType: 'application/json',
      mustReject: true,
    });
    const notAnObject = weirdValue
      .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
      .map((v) => json(v, 'body not an object', true));
    return fc.oneof(
      { arbitrary: fc.constant(json(body, 'valid')), weight: 2 },
      { arbitrary: replaced, weight: 8 },
      {
        arbitrary: replaced.chain((once) =>
          fc.constantFrom(...paths).chain((path) =>
            fieldValue(path[path.length - 1]).map((v) =>
              json(
                edit(JSON.parse(once.text!), path, (parent, key) => (parent[key] = v)),
                `${once.note}, ${path.join('.')} replaced`,
              ),
            ),
          ),
        ),
        weight: 2,
      },
      { arbitrary: removed, weight: 2 },
      { arbitrary: added, weight: 2 },
      { arbitrary: protoKey, weight: 1 },
      { arbitrary: notAnObject, weight: 1 },
      { arbitrary: fc.constant(json([body], 'body in an array', true)), weight: 1 },
      { arbitrary: rawBody(body), weight: 3 },
    );
  });
}

/** Bodies wrong below JSON: malformed, too deep, too large, another media type, none at all. */
function rawBody(body: Record<string, unknown>): fc.Arbitrary<BodyCase> {
  const text = JSON.stringify(body);
  const raw = (note: string, t: string | undefined, contentType: string | undefined, mustReject = true): BodyCase => ({
    note,
    text: t,
    contentType,
    mustReject,
  });
  return fc.oneof(
    fc
      .integer({ min: 0, max: Math.max(0, text.length - 1) })
      .map((cut) => raw(`JSON cut at ${cut}`, text.slice(0, cut), 'application/json')),
    fc
      .constantFrom('}', ',', ' x', '\u0000', '{}')
      .map((tail) => raw(`JSON then ${JSON.stringify(tail)}`, text + tail, 'application/json')),
    fc.constant(raw('JSON after a BOM', `\ufeff${text}`, 'application/json')),
    fc
      .integer({ min: 1_000, max: 20_000 })
      .map((depth) =>
        raw(`${depth} nested arrays`, `${text.slice(0, -1)},"deep":${'['.repeat(depth)}${']'.repeat(depth)}}`, 'application/json'),
      ),
    fc.constant(raw('over 256 KiB', `${text.slice(0, -1)},"pad":"${'A'.repeat(270 * 1024)}"}`, 'application/json')),
    fc
      .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'json')
      .map((type) => raw(`as ${type}`, text, type)),
    fc
      .constantFrom('APPLICATION/JSON', 'application/json; charset=utf-8', 'application/merge-patch+json')
      .map((type) => raw(`as ${type}`, text, type, false)),
    fc.constant(raw('no content-type', text, undefined)),
    fc.constant(raw('empty JSON body', '', 'application/json')),
    fc.constant(raw('no body', undefined, undefined)),
  );
}

/** For routes without a body: none mostly, sometimes one (which must change nothing either). */
export const strayBody: fc.Arbitrary<BodyCase> = fc.oneof(
  { arbitrary: fc.constant<BodyCase>({ note: 'no body', mustReject: false }), weight: 6 },
  { arbitrary: weirdValue.map((v) => ({ ...json(v, 'a stray body'), mustReject: false })), weight: 1 },
);
