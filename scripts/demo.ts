import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform } from './lib/platform-process';
import { type KeyPair, b64, newKeyPair, open, seal } from './lib/sealed';

/**
 * `npm run demo`: starts the embedded platform and plays one realistic day: customers write in,
 * businesses reply, templates go out, one customer arrives from an ad, one blocks a business, one
 * opts out, the clock moves past 24 h. Everything is encrypted end to end with real keys. It ends
 * with the billing summary finance would see.
 */
type Business = { id: string; name: string; phone: string; apiKey: string; keys: KeyPair };
type Customer = { name: string; waId: string; token: string; keys: KeyPair };

let base = '';
let admin = '';

async function call(method: string, path: string, token: string, body?: unknown) {
  const r = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (r.status >= 400) throw new Error(`${method} ${path} → ${r.status} ${text}`);
  return parsed;
}

const say = (line = '') => process.stdout.write(`${line}\n`);
const usd = (micros: number) => `$${(micros / 1e6).toFixed(6)}`;

async function business(name: string, phone: string): Promise<Business> {
  const keys = newKeyPair();
  const r = await call('POST', '/v1/businesses', admin, { name, phone_number: phone, public_key: b64(keys.publicKey) });
  return { id: r.id, name, phone, apiKey: r.api_key, keys };
}

async function customer(name: string, waId: string): Promise<Customer> {
  const keys = newKeyPair();
  const r = await call('PUT', `/v1/customers/${waId}`, admin, { public_key: b64(keys.publicKey) });
  return { name, waId, token: r.device_token, keys };
}

async function template(b: Business, name: string, category: string, body: string) {
  const t = await call('POST', `/v1/${b.id}/templates`, b.apiKey, { name, language: 'en_US', category, body });
  await call('POST', `/v1/templates/${t.id}/review`, admin, { decision: 'APPROVED' });
  return { name, parameterCount: t.parameter_count as number };
}

async function writes(c: Customer, b: Business, text: string, referral?: { source_type: string; source_id: string }) {
  await call('POST', `/v1/customers/${c.waId}/messages`, c.token, { to: b.phone, type: 'text', text: seal(text, b.keys.publicKey, c.keys), ...(referral && { referral }) });
  say(`  ${c.name} → ${b.name}: "${text}"${referral ? ` (arrived from an ${referral.source_type})` : ''}`);
}

async function outcome(b: Business, id: string) {
  for (;;) {
    const m = await call('GET', `/v1/${b.id}/messages/${id}`, b.apiKey);
    if (m.status !== 'pending') return m;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function describe(m: any): string {
  if (m.status === 'failed') return `✗ failed ${m.errors[0].code} (${m.errors[0].title})`;
  return `✓ ${m.pricing.category}/${m.pricing.type}${m.pricing.billable ? ' (billable)' : ' (free)'}`;
}

async function replies(b: Business, c: Customer, text: string) {
  const r = await call('POST', `/v1/${b.id}/messages`, b.apiKey, { to: c.waId, type: 'text', text: seal(text, c.keys.publicKey, b.keys) });
  say(`  ${b.name} → ${c.name}: "${text}"  ${describe(await outcome(b, r.messages[0].id))}`);
}

async function sends(b: Business, c: Customer, t: { name: string; parameterCount: number }, parameters: string[]) {
  const r = await call('POST', `/v1/${b.id}/messages`, b.apiKey, {
    to: c.waId,
    type: 'template',
    template: { name: t.name, language: 'en_US', parameter_count: t.parameterCount, ...(t.parameterCount > 0 && { parameters: seal(JSON.stringify(parameters), c.keys.publicKey, b.keys) }) },
  });
  say(`  ${b.name} → ${c.name}: template ${t.name}  ${describe(await outcome(b, r.messages[0].id))}`);
}

async function reads(c: Customer, from: Business[]) {
  const inbox = await call('GET', `/v1/customers/${c.waId}/inbox`, c.token);
  for (const m of inbox.messages) {
    const sender = from.find((b) => b.phone === m.from)!;
    const sealed = m.text ?? m.template.parameters;
    const plain = sealed ? open(sealed, sender.keys.publicKey, c.keys) : '';
    say(`  ${c.name}'s phone decrypts from ${sender.name}: ${m.type === 'text' ? `"${plain}"` : `${m.template.name} ${plain}`}`);
    await call('POST', `/v1/customers/${c.waId}/receipts`, c.token, { message_id: m.id, status: 'read' });
  }
}

async function main() {
  const platform = await startPlatform({ dataDir: mkdtempSync(join(tmpdir(), 'ventana-demo-')), env: { ADMIN_TOKEN: 'demo-operator', CLOCK: 'test' } });
  base = platform.url;
  admin = platform.adminToken;
  try {
    say(`Ventana demo — embedded platform at ${base} (data in ${platform.dataDir})\n`);
    say('08:00  The operator publishes rate card v1 (USD per delivered message).');
    await call('POST', '/v1/rate-cards', admin, {
      effective_from: '2020-01-01T00:00:00Z',
      currency: 'USD',
      markets: [
        { market: 'IN', calling_codes: ['91'], prices: { marketing: '0.0107', utility: '0.005', authentication: '0.005' } },
        { market: 'GB', calling_codes: ['44'], prices: { marketing: '0.0529', utility: '0.022', authentication: '0.0358' } },
        { market: 'BR', calling_codes: ['55'], prices: { marketing: '0.0625', utility: '0.008', authentication: '0.0315' } },
        { market: 'Rest of world', calling_codes: ['*'], prices: { marketing: '0.0604', utility: '0.0077', authentication: '0.0075' } },
      ],
    });
    const books = await business('Lumen Books', '442079460000');
    const airline = await business('Pacifico Air', '551130040000');
    const chai = await business('Chai Express', '912240000000');
    const asha = await customer('Asha', '919812345678');
    const tom = await customer('Tom', '447700900123');
    const bia = await customer('Bia', '5511987654321');
    const sam = await customer('Sam', '14155550123');
    const shipped = await template(books, 'shipping_confirmation', 'UTILITY', 'Hi {{1}}, order {{2}} has shipped.');
    const sale = await template(books, 'spring_sale', 'MARKETING', 'Spring sale: {{1}} off all paperbacks.');
    const boarding = await template(airline, 'boarding_pass', 'UTILITY', '{{1}}, your boarding pass for {{2}} is ready.');
    const otp = await template(airline, 'one_time_password', 'AUTHENTICATION', 'Your code is {{1}}.');
    const offer = await template(chai, 'weekend_offer', 'MARKETING', 'Weekend offer: {{1}}.');
    say('       Businesses Lumen Books (GB), Pacifico Air (BR), Chai Express (IN) registered; templates approved.\n');

    say('09:00  Customers write in; replies inside the 24 h window are free.');
    await writes(tom, books, 'Has my order shipped?');
    await replies(books, tom, 'Yes! It left the warehouse this morning.');
    await sends(books, tom, shipped, ['Tom', 'LB-1042']);
    await sends(books, tom, sale, ['20%']);
    await writes(bia, airline, 'Can I check in for tomorrow?');
    await sends(airline, bia, boarding, ['Bia', 'PA 202']);
    await sends(airline, bia, otp, ['491 207']);

    say('\n11:00  Asha taps an ad and lands in a chat with Chai Express: a free entry point opens with the reply.');
    await writes(asha, chai, 'Is the masala chai offer still on?', { source_type: 'ad', source_id: 'spring-campaign' });
    await replies(chai, asha, 'It is, all weekend!');
    await sends(chai, asha, offer, ['2 for 1 on masala chai']);

    say('\n12:00  Devices come online: fetching the inbox is the delivery acknowledgement; messages are read.');
    await reads(tom, [books]);
    await reads(bia, [airline]);
    await reads(asha, [chai]);

    say('\n13:00  Asha blocks Chai Express; Sam never wrote to Lumen Books.');
    await call('POST', `/v1/customers/${asha.waId}/blocks`, asha.token, { business_phone: chai.phone });
    await sends(chai, asha, offer, ['3 for 2 on samosas']);
    await sends(books, sam, sale, ['20%']);
    await call('POST', `/v1/${books.id}/opt-ins`, books.apiKey, { wa_id: sam.waId, source: 'website' });
    say('       Sam opts in on the Lumen Books website.');
    await sends(books, sam, sale, ['20%']);

    say('\n+25 h  The clock moves past the 24 h window.');
    await call('POST', '/v1/clock/advance', admin, { seconds: 25 * 3600 });
    await replies(books, tom, 'Anything else I can help with?');
    await sends(books, tom, shipped, ['Tom', 'LB-1077']);
    await call('DELETE', `/v1/${books.id}/opt-ins/${tom.waId}`, books.apiKey);
    say('       Tom opts out of Lumen Books.');
    await sends(books, tom, shipped, ['Tom', 'LB-1078']);
    await reads(tom, [books]);
    await reads(sam, [books]);

    say('\nBilling summary (delivered messages only; amounts in USD, exact micros)');
    const month = (await call('POST', '/v1/clock/advance', admin, { seconds: 0 })).now.slice(0, 7);
    let grand = 0;
    for (const b of [books, airline, chai]) {
      const invoice = await call('GET', `/v1/${b.id}/invoices/${month}`, b.apiKey);
      say(`\n  ${b.name} — invoice ${invoice.month}`);
      say(`    ${'market'.padEnd(14)}${'category'.padEnd(16)}${'pricing type'.padEnd(22)}${'messages'.padStart(8)}${'amount'.padStart(14)}`);
      for (const l of invoice.lines) {
        say(`    ${l.market.padEnd(14)}${l.category.padEnd(16)}${l.pricing_type.padEnd(22)}${String(l.messages).padStart(8)}${usd(l.amount_micros).padStart(14)}`);
      }
      if (invoice.lines.length === 0) say('    (no billable deliveries)');
      say(`    ${'total'.padEnd(60)}${usd(invoice.total_micros).padStart(14)}  → payable ${(invoice.total_cents / 100).toFixed(2)} USD`);
      grand += invoice.total_micros;
    }
    say(`\n  All businesses: ${usd(grand)}\n`);
  } finally {
    await platform.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
