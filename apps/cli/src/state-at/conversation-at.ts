import {
  type ConversationEvent,
  evolveConversation,
  initialConversation,
  iso,
  isCustomerServiceWindowOpen,
  isFreeEntryPointOpen,
  ms,
} from '@ventana/domain';

/** A (business, customer) pair as it stood at one moment, shaped like the API's conversation resource. */
export interface ConversationAt {
  at: string;
  customer_service_window: { open: boolean; expires_at: string | null };
  free_entry_point_window: { open: boolean; expires_at: string | null };
  consent: { granted: boolean; source: string | null };
  marketing_opt_out: boolean;
  blocked: boolean;
  /** Events of the conversation that had happened by then. */
  events: number;
}

/**
 * The conversation at `at`, folded by the domain's own evolve from the events that had happened by
 * then (their own time, `data.at`), in stream order: what a decision at that moment would have seen.
 */
export function conversationAt(events: readonly ConversationEvent[], at: string): ConversationAt {
  const moment = ms(at);
  let state = initialConversation();
  let count = 0;
  for (const event of events) {
    // Not `break`: a decision is appended after later facts of the stream, with its own earlier time.
    if (ms(event.data.at) > moment) continue;
    state = evolveConversation(state, event);
    count++;
  }
  const window = (expiresAt: number | null, open: boolean) => ({ open, expires_at: open && expiresAt !== null ? iso(expiresAt) : null });
  return {
    at: iso(moment),
    customer_service_window: window(state.customerServiceWindowExpiresAt, isCustomerServiceWindowOpen(state, moment)),
    free_entry_point_window: window(state.freeEntryPointExpiresAt, isFreeEntryPointOpen(state, moment)),
    consent: { granted: state.consent.granted, source: state.consent.source },
    marketing_opt_out: state.marketingOptOut,
    blocked: state.blocked,
    events: count,
  };
}
