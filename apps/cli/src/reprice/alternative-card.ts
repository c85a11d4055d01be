import { readFileSync } from 'node:fs';
import { type RateCard, parseRateCard } from '@ventana/domain';
import type { EventStore } from '@ventana/event-store';
import { type RateCardPublished, rateCardOf } from '../../../pricing/src/rate-cards/rate-card-events';
import { Streams } from '../../../../libs/platform/src/runtime/streams';

interface CardFile {
  effective_from?: string;
  currency: string;
  markets: { market: string; calling_codes: string[]; prices: { marketing: string; utility: string; authentication: string } }[];
}

/**
 * A card from a file in the shape `POST /v1/rate-cards` takes (effective_from may be left out),
 * checked by the same rules a published card must pass: a what-if card is a card finance could publish.
 */
export function cardFromFile(path: string): RateCard {
  const body = JSON.parse(readFileSync(path, 'utf8')) as CardFile;
  const parsed = parseRateCard({
    effectiveFrom: body.effective_from ?? new Date().toISOString(),
    currency: body.currency,
    markets: (body.markets ?? []).map((m) => ({ market: m.market, callingCodes: m.calling_codes, prices: m.prices })),
  });
  if ('problems' in parsed) throw new Error(`the card in ${path} is invalid: ${parsed.problems.map((p) => `${p.field} ${p.detail}`).join('; ')}`);
  return { version: 0, effectiveFrom: body.effective_from ?? new Date().toISOString(), currency: 'USD', markets: parsed.markets };
}

/** A published version (one not yet in force, say) from the rate-cards stream. */
export async function cardFromStore(store: EventStore, version: number): Promise<RateCard> {
  const { events } = await store.readStream(Streams.rateCards);
  const card = (events as unknown as RateCardPublished[]).map(rateCardOf).find((c) => c.version === version);
  if (!card) throw new Error(`no rate card version ${version} (the store has ${events.length})`);
  return card;
}
