import { startPlatform, type TestPlatform } from '../support/platform-process';
import { World, phone } from '../support/world';
import { b64 } from '../support/sealed';

describe('a day in the life, end to end over HTTP', () => {
  let platform: TestPlatform;
  let world: World;

  beforeAll(async () => {
    platform = await startPlatform();
    world = new World(platform);
    await world.rateCard();
  });
  afterAll(() => platform.stop());

  it('delivers a reply inside the window for free and charges a marketing template once delivered', async () => {
    const shop = await world.business();
    const alice = await world.customer('447700900123');
    await world.inbound(alice, shop, 'Where is my parcel?');

    const reply = await world.sentText(shop, alice, 'It ships today');
    expect(reply.status).not.toBe('failed');
    expect(reply.pricing).toEqual({ billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' });

    const promo = await world.approvedTemplate(shop, 'MARKETING');
    const sent = await world.sentTemplate(shop, alice, promo);
    expect(sent.pricing).toEqual({ billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' });

    // Handed to the network first, then fetched: fetching is the delivery acknowledgement.
    await world.settled(shop, reply.id, ['sent']);
    await world.settled(shop, sent.id, ['sent']);
    const inbox = await world.fetchInbox(alice, shop);
    expect(inbox.map((m) => m.id)).toEqual([reply.id, sent.id]);
    expect(inbox[0].plaintext).toBe('It ships today');

    const charged = await world.settled(shop, sent.id, ['delivered']);
    expect(charged.charge).toEqual({ amount_micros: 52900, currency: 'USD', rate_card_version: 1, market: 'GB' });
    const free = await world.message(shop, reply.id);
    expect(free.body.status).toBe('delivered');
    expect(free.body.charge).toBeUndefined();
  });

  it("gives a business the customer's public key to seal its messages with, and nothing for unknown customers", async () => {
    const shop = await world.business();
    const bob = await world.customer();
    const known = await world.api.call('GET', `/v1/${shop.id}/contacts/${bob.waId}`, { token: shop.apiKey });
    expect(known.status).toBe(200);
    expect(known.body).toEqual({ wa_id: bob.waId, public_key: b64(bob.keys.publicKey) });
    const unknown = await world.api.call('GET', `/v1/${shop.id}/contacts/${phone('44')}`, { token: shop.apiKey });
    expect(unknown.status).toBe(404);
    const noKey = await world.api.call('GET', `/v1/${shop.id}/contacts/${bob.waId}`, { token: bob.token });
    expect(noKey.status).toBe(401);
  });
});
