import type { RateCard } from '@ventana/domain';

/** The only event of the `rate-cards` stream: a new, immutable, versioned card. */
export interface RateCardPublished {
  type: 'RateCardPublished';
  data: RateCard & { at: string };
}

export const rateCardOf = ({ data }: RateCardPublished): RateCard => ({
  version: data.version,
  effectiveFrom: data.effectiveFrom,
  currency: data.currency,
  markets: data.markets,
});
