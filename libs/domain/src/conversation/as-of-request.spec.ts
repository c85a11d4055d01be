import { HOUR, iso } from '../shared/time';
import { conversationAsOfRequest, isDecided, viewOfRequest } from './as-of-request';
import { isCustomerServiceWindowOpen } from './conversation';
import type { ConversationEvent } from './events';
import { BUSINESS, CUSTOMER, accepted, blocked, inbound, rejected, t } from '../testing/given-when-then';

const requested = (at: number, messageId: string): ConversationEvent => ({
  type: 'MessageRequested',
  data: { businessId: BUSINESS, waId: CUSTOMER, at: iso(at), messageId, kind: 'text', template: null, content: { ciphertext: 'YQ==', nonce: 'Yg==' } },
});

describe('a request is judged on the conversation as it stood when it was made', () => {
  it('counts a customer message recorded just before the request (the window is open)', () => {
    const history = [inbound(t(0)), requested(t(5), 'm1')];
    expect(isCustomerServiceWindowOpen(conversationAsOfRequest(history, 'm1'), t(5))).toBe(true);
  });

  it('ignores facts recorded after the request, even if they are in the stream when deciding', () => {
    const history = [requested(t(0), 'm1'), inbound(t(1)), blocked(t(2))];
    const state = conversationAsOfRequest(history, 'm1');
    expect(isCustomerServiceWindowOpen(state, t(0))).toBe(false);
    expect(state.blocked).toBe(false);
  });

  it('counts the decisions on earlier requests even when they were appended after this one', () => {
    const earlier = accepted(t(1), { messageId: 'm0' });
    const history = [inbound(t(0)), requested(t(1), 'm0'), requested(t(2), 'm1'), earlier];
    expect(conversationAsOfRequest(history, 'm1').pairBucket?.tokens).toBe(44);
  });

  it('does not count decisions on later requests', () => {
    const history = [inbound(t(0)), requested(t(1), 'm1'), requested(t(2), 'm2'), accepted(t(2), { messageId: 'm2' })];
    expect(conversationAsOfRequest(history, 'm1').pairBucket).toBeNull();
  });

  it('knows when a request already has its decision, accepted or rejected', () => {
    const refusal = rejected(t(0), 131047);
    const refused = { ...refusal, data: { ...refusal.data, messageId: 'm1' } } as ConversationEvent;
    const history = [requested(t(0), 'm1'), refused, requested(t(HOUR), 'm2'), accepted(t(HOUR), { messageId: 'm2' }), requested(t(2 * HOUR), 'm3')];
    expect(isDecided(history, 'm1')).toBe(true);
    expect(isDecided(history, 'm2')).toBe(true);
    expect(isDecided(history, 'm3')).toBe(false);
  });
});

describe('requests are decided in the order they were recorded', () => {
  it('holds a request back while an earlier one has no decision', () => {
    const history = [inbound(t(0)), requested(t(1), 'm0'), requested(t(2), 'm1')];
    expect(viewOfRequest(history, 'm1').earlierUndecided).toBe(true);
    expect(viewOfRequest(history, 'm0').earlierUndecided).toBe(false);
  });

  it('lets it go once the earlier decision is in the stream, wherever it was appended', () => {
    const history = [inbound(t(0)), requested(t(1), 'm0'), requested(t(2), 'm1'), accepted(t(1), { messageId: 'm0' })];
    expect(viewOfRequest(history, 'm1').earlierUndecided).toBe(false);
  });
});

describe('judging from a snapshot', () => {
  it('gives the same view from a snapshot of the earlier events as from the whole history', () => {
    const history = [inbound(t(0)), requested(t(1), 'm0'), accepted(t(1), { messageId: 'm0' }), inbound(t(2)), requested(t(3), 'm1')];
    const whole = viewOfRequest(history, 'm1');
    const snapshot = viewOfRequest(history.slice(0, 2), 'm0').beforeRequest;
    const fromSnapshot = viewOfRequest(history.slice(1), 'm1', snapshot);
    expect(fromSnapshot).toEqual(whole);
    expect(whole.asOfRequest.pairBucket?.tokens).toBe(44);
  });

  it('counts an earlier decision appended after the request even when its request lies before the snapshot', () => {
    const snapshot = viewOfRequest([inbound(t(0)), requested(t(1), 'm0')], 'm0').beforeRequest;
    const view = viewOfRequest([requested(t(1), 'm0'), requested(t(2), 'm1'), accepted(t(1), { messageId: 'm0' })].slice(1), 'm1', snapshot);
    expect(view.asOfRequest.pairBucket?.tokens).toBe(44);
    expect(view.decided).toBe(false);
  });
});
