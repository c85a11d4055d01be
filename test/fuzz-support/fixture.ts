import type { Scenario } from '../support/scenario';
import type { BusinessActor, CustomerActor } from '../support/world';

/**
 * What the fuzz aims at: two businesses, two registered devices, a conversation with an open window,
 * an approved template, and a delivered, charged message, so that valid-shaped requests reach real
 * state and a wrong token or tenant has something to be refused.
 */
export interface Fixture {
  admin: string;
  shop: BusinessActor;
  other: BusinessActor;
  /** Wrote to `shop`: the window is open. */
  alice: CustomerActor;
  bob: CustomerActor;
  template: { id: string; name: string };
  otherTemplate: { id: string };
  /** Delivered and charged. */
  messageId: string;
  /** The platform's current month, yyyy-mm. */
  month: string;
}

export async function buildFixture(world: Scenario): Promise<Fixture> {
  await world.rateCard();
  const [shop, other, alice, bob] = await Promise.all([world.business(), world.business(), world.customer(), world.customer()]);
  await world.inbound(alice, shop, 'hello');
  const template = await world.approvedTemplate(shop, 'UTILITY', 'Order {{1}} ships on {{2}}');
  const otherTemplate = await world.approvedTemplate(other, 'MARKETING');
  const promo = await world.approvedTemplate(shop, 'MARKETING', 'Sale {{1}}');
  const message = await world.sentTemplate(shop, alice, promo);
  await world.deliver(shop, alice, message.id);
  await world.charged(shop, message.id);
  const month = new Date(await world.now()).toISOString().slice(0, 7);
  return { admin: world.admin, shop, other, alice, bob, template, otherTemplate, messageId: message.id, month };
}
