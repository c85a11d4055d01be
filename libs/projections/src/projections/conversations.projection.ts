import { type Conversation, type ConversationEvent, evolveConversation, initialConversation, iso, ms } from '@ventana/domain';
import type { Projection } from '../projection';

/** Each (business, customer) pair's windows, consent, marketing preference and block: the domain's own evolve, stored. */
export interface ConversationRow {
  business_id: string;
  wa_id: string;
  csw_expires_at: string | null;
  fep_expires_at: string | null;
  pending_referral_at: string | null;
  consent_granted: number;
  consent_source: string | null;
  marketing_opt_out: number;
  blocked: number;
}

const toState = (row: ConversationRow | undefined): Conversation => {
  if (!row) return initialConversation();
  return {
    ...initialConversation(),
    customerServiceWindowExpiresAt: row.csw_expires_at ? ms(row.csw_expires_at) : null,
    freeEntryPointExpiresAt: row.fep_expires_at ? ms(row.fep_expires_at) : null,
    pendingReferralAt: row.pending_referral_at ? ms(row.pending_referral_at) : null,
    consent: { granted: row.consent_granted === 1, source: row.consent_source as Conversation['consent']['source'] },
    marketingOptOut: row.marketing_opt_out === 1,
    blocked: row.blocked === 1,
  };
};

const orNull = (epochMs: number | null) => (epochMs === null ? null : iso(epochMs));

export const conversationsProjection: Projection = {
  name: 'conversations',
  eventTypes: [
    'InboundMessageReceived',
    'OptInRecorded',
    'OptOutRecorded',
    'BusinessBlocked',
    'BusinessUnblocked',
    'MarketingStopped',
    'MarketingResumed',
    'MessageAccepted',
  ],
  migrations: [
    {
      version: 1,
      // Instants are ISO-8601 UTC text; flags are 0/1 integers (no BOOLEAN: SQLite has none).
      statements: [
        `CREATE TABLE IF NOT EXISTS conversations (
           business_id TEXT NOT NULL, wa_id TEXT NOT NULL,
           csw_expires_at TEXT, fep_expires_at TEXT, pending_referral_at TEXT,
           consent_granted INTEGER NOT NULL, consent_source TEXT,
           marketing_opt_out INTEGER NOT NULL, blocked INTEGER NOT NULL,
           PRIMARY KEY (business_id, wa_id))`,
      ],
    },
  ],
  tables: ['conversations'],
  async apply(tx, event) {
    const { businessId, waId } = event.data as { businessId: string; waId: string };
    const row = await tx.one<ConversationRow>(`SELECT * FROM conversations WHERE business_id = ? AND wa_id = ?`, [businessId, waId]);
    const next = evolveConversation(toState(row), event as unknown as ConversationEvent);
    await tx.run(
      `INSERT INTO conversations (business_id, wa_id, csw_expires_at, fep_expires_at, pending_referral_at,
         consent_granted, consent_source, marketing_opt_out, blocked)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (business_id, wa_id) DO UPDATE SET
         csw_expires_at = excluded.csw_expires_at, fep_expires_at = excluded.fep_expires_at,
         pending_referral_at = excluded.pending_referral_at, consent_granted = excluded.consent_granted,
         consent_source = excluded.consent_source, marketing_opt_out = excluded.marketing_opt_out,
         blocked = excluded.blocked`,
      [
        businessId,
        waId,
        orNull(next.customerServiceWindowExpiresAt),
        orNull(next.freeEntryPointExpiresAt),
        orNull(next.pendingReferralAt),
        next.consent.granted ? 1 : 0,
        next.consent.source,
        next.marketingOptOut ? 1 : 0,
        next.blocked ? 1 : 0,
      ],
    );
  },
};
