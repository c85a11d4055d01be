import { randomUUID } from 'node:crypto';
import { filesContaining, filesUnder } from '../support/data-dir';
import { startPlatform, type TestPlatform } from '../support/platform-process';
import { Scenario, eventually } from '../support/scenario';
import { b64, open, seal } from '../support/sealed';
import { WebhookReceiver, expectedSignature } from '../support/webhook-receiver';
import { type BusinessActor, type CustomerActor, expectStatus } from '../support/world';

/**
 * End-to-end encryption: content sealed by the sender opens only on the recipient's side, and the
 * platform never holds the plaintext: not in any file under DATA_DIR, not in its logs.
 */
describe('end-to-end encryption', () => {
  let platform: TestPlatform;
  let world: Scenario;
  let webhook: WebhookReceiver;
  let webhookUrl: string;
  let shop: BusinessActor;
  let alice: CustomerActor;

  const unique = randomUUID();
  const TEXT = `Meet me by the old lighthouse at half past seven, bring the blue umbrella and the ledger ${unique}`;
  const PARAMETERS = [`Parcel for Mrs Ottoline Featherstonehaugh ${unique}`, `Locker 42 at Wanstead Flats, code ${unique.slice(0, 8)}`];
  const INBOUND = `Please cancel my order for the green velvet armchair and refund the card ending 4242 ${unique}`;
  const PARAMETERS_JSON = JSON.stringify(PARAMETERS);

  /** Every form in which a plaintext could be written down: as is, base64 (any alignment), base64url and hex. */
  function forms(plaintext: string): string[] {
    const bytes = Buffer.from(plaintext, 'utf8');
    const result = [plaintext, bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
    for (let skip = 0; skip < 3; skip++) {
      // A plaintext inside a larger blob is encoded from some byte alignment; the middle of it is the same.
      const encoded = bytes.subarray(skip).toString('base64');
      result.push(encoded.slice(0, -4), Buffer.from(encoded, 'base64').toString('base64url').slice(0, -4));
    }
    return result;
  }
  const secrets = () => [TEXT, INBOUND, PARAMETERS_JSON, ...PARAMETERS].flatMap(forms);

  function expectNowhere(where: string) {
    for (const needle of secrets()) {
      const files = filesContaining(platform.dataDir, needle);
      if (files.length > 0) throw new Error(`${where}: "${needle.slice(0, 40)}…" found in ${files.join(', ')}`);
      if (platform.logs().includes(needle)) throw new Error(`${where}: "${needle.slice(0, 40)}…" found in the logs`);
    }
  }

  beforeAll(async () => {
    webhook = await WebhookReceiver.start();
    webhookUrl = webhook.newUrl();

    // The most talkative log level, so the claim about logs covers everything the platform can say.
    platform = await startPlatform({ env: { LOG_LEVEL: 'trace' } });
    world = new Scenario(platform);
    await world.rateCard();
    shop = await world.business({ webhookUrl });
    alice = await world.customer();
  });
  afterAll(async () => {
    await platform.stop();
    await webhook.close();
  });

  it('carries a customer message to the business sealed; the business opens it from its webhook', async () => {
    const sent = await world.api.call('POST', `/v1/customers/${alice.waId}/messages`, {
      token: alice.token,
      body: { to: shop.phone, type: 'text', text: seal(INBOUND, shop.keys.publicKey, alice.keys) },
    });
    expectStatus(sent, 202);
    const id = sent.body.id as string;

    const { message, delivery } = await eventually('the inbound webhook', async () => webhook.messages(webhookUrl).find((m) => m.message.id === id));
    // Signed with the business's webhook secret.
    expect(delivery.headers['x-hub-signature-256']).toBe(expectedSignature(delivery.raw, shop.webhookSecret));
    expect(message).toEqual(expect.objectContaining({ id, from: alice.waId, type: 'text', text: { ciphertext: expect.any(String), nonce: expect.any(String) } }));
    expect(delivery.raw.toString('utf8')).not.toContain(INBOUND);
    expect(open(message.text, alice.keys.publicKey, shop.keys)).toBe(INBOUND);
  });

  it('carries business text and template parameters to the device sealed; only the device opens them', async () => {
    // The inbound above opened the window: free-form text is allowed.
    const text = await world.sentText(shop, alice, TEXT);
    expect(text.status).not.toBe('failed');
    const template = await world.template(shop, 'UTILITY', 'APPROVED', { body: 'Your parcel {{1}} waits in {{2}}' });
    const withParameters = await world.api.call('POST', `/v1/${shop.id}/messages`, {
      token: shop.apiKey,
      body: {
        to: alice.waId,
        type: 'template',
        template: { name: template.name, language: 'en_US', parameter_count: 2, parameters: seal(PARAMETERS_JSON, alice.keys.publicKey, shop.keys) },
      },
    });
    expectStatus(withParameters, 202);
    const templateId = withParameters.body.messages[0].id as string;
    expect((await world.settled(shop, templateId)).status).not.toBe('failed');

    const { inbox } = await world.deliver(shop, alice, text.id, templateId);
    const byId = new Map(inbox.map((m) => [m.id, m]));
    const textItem = byId.get(text.id);
    const templateItem = byId.get(templateId);
    expect(textItem).toEqual(expect.objectContaining({ from: shop.phone, type: 'text', text: { ciphertext: expect.any(String), nonce: expect.any(String) } }));
    expect(templateItem).toEqual(
      expect.objectContaining({ from: shop.phone, type: 'template', template: expect.objectContaining({ name: template.name, language: 'en_US' }) }),
    );

    // The device opens both with the business's public key (the inbox names it too, when it does).
    const sender = textItem.sender_public_key ? Buffer.from(textItem.sender_public_key, 'base64') : shop.keys.publicKey;
    expect(b64(sender)).toBe(b64(shop.keys.publicKey));
    expect(open(textItem.text, sender, alice.keys)).toBe(TEXT);
    expect(JSON.parse(open(templateItem.template.parameters, sender, alice.keys)!)).toEqual(PARAMETERS);

    // Nobody else can: not a device with other keys, not the business's own key pair turned around.
    const mallory = await world.customer();
    expect(open(textItem.text, sender, mallory.keys)).toBeNull();
    expect(open(templateItem.template.parameters, sender, mallory.keys)).toBeNull();
  });

  it('keeps no plaintext in any file under DATA_DIR (WAL included) nor in the logs, running or stopped', async () => {
    // Wait until everything the exchange caused has been processed and posted (statuses, charges, webhooks).
    await eventually('the delivered statuses on the webhook', async () =>
      webhook.statuses(webhookUrl).filter((s) => s.status === 'delivered').length >= 2 ? true : undefined,
    );
    // The search finds a plaintext base64-encoded inside a larger blob, at any byte alignment.
    for (const prefix of ['', 'a', 'ab']) {
      const blob = Buffer.from(`{"x":"${prefix}${TEXT}"}`).toString('base64');
      expect(forms(TEXT).some((needle) => blob.includes(needle))).toBe(true);
    }
    const files = filesUnder(platform.dataDir).map((f) => f.slice(platform.dataDir.length + 1));
    expect(files).toEqual(expect.arrayContaining(['events.db', 'read-models.db']));
    expectNowhere('while running');
    for (const delivery of webhook.deliveries) for (const needle of secrets()) expect(delivery.raw.toString('utf8')).not.toContain(needle);

    // The ciphertext itself is what the platform keeps (proof the search looks in the right place).
    const inboundSealed = webhook.messages(webhookUrl)[0].message.text;
    expect(filesContaining(platform.dataDir, inboundSealed.ciphertext).length).toBeGreaterThan(0);

    await platform.stop('SIGTERM');
    expectNowhere('after a graceful stop');
  });
});
