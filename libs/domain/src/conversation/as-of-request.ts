import { type Conversation, evolveConversation, initialConversation } from './conversation';
import type { ConversationEvent } from './events';

const isDecision = (e: ConversationEvent): e is Extract<ConversationEvent, { type: 'MessageAccepted' | 'MessageRejected' }> =>
  e.type === 'MessageAccepted' || e.type === 'MessageRejected';

/** True once the request has its decision: deciding again must record nothing. */
export const isDecided = (history: readonly ConversationEvent[], messageId: string): boolean =>
  history.some((e) => isDecision(e) && e.data.messageId === messageId);

export interface RequestView {
  /** What the request is judged on. */
  asOfRequest: Conversation;
  /** Everything recorded before the request: a snapshot the next request can start from. */
  beforeRequest: Conversation;
  decided: boolean;
  /**
   * An earlier request (among `events`) has no decision yet. This one must then wait: its own
   * decision depends on theirs (the pair bucket), and deciding it first would let both spend the
   * same token. Deliveries are in order per conversation, so the earlier one is being decided.
   */
  earlierUndecided: boolean;
}

/**
 * The conversation as a request must be judged: every fact recorded before the request, plus the
 * decisions on earlier requests (deciding is asynchronous, so they may be appended after it).
 * Facts recorded after the request — a later inbound message, a later block — do not count, nor do
 * decisions on later requests. `events` may start anywhere before the request, from the state
 * `start` that folds everything before them.
 */
export function viewOfRequest(events: readonly ConversationEvent[], messageId: string, start = initialConversation()): RequestView {
  let before = start;
  let asOf: Conversation | undefined;
  let decided = false;
  const laterRequests = new Set<string>();
  const undecidedEarlier = new Set<string>();
  for (const event of events) {
    if (isDecision(event)) undecidedEarlier.delete(event.data.messageId);
    if (asOf === undefined) {
      if (event.type === 'MessageRequested' && event.data.messageId === messageId) asOf = before;
      else {
        if (event.type === 'MessageRequested') undecidedEarlier.add(event.data.messageId);
        before = evolveConversation(before, event);
      }
    } else if (event.type === 'MessageRequested') {
      laterRequests.add(event.data.messageId);
    } else if (isDecision(event)) {
      if (event.data.messageId === messageId) decided = true;
      else if (!laterRequests.has(event.data.messageId)) asOf = evolveConversation(asOf, event);
    }
  }
  return { asOfRequest: asOf ?? before, beforeRequest: before, decided, earlierUndecided: undecidedEarlier.size > 0 };
}

export const conversationAsOfRequest = (history: readonly ConversationEvent[], messageId: string): Conversation =>
  viewOfRequest(history, messageId).asOfRequest;
