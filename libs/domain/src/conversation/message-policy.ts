import { ErrorCode, messageError, type MessageError } from '../shared/error-codes';
import { iso } from '../shared/time';
import type { Business } from '../business/business';
import type { Template } from '../template/template';
import { hasToken } from '../limits/pair-bucket';
import { type BusinessUsage, qualitySignals, wouldExceedMessagingLimit, wouldExceedThroughput } from '../limits/business-usage';
import { effectiveTier } from '../limits/messaging-tier';
import { qualityRating } from '../limits/quality-rating';
import { pricingOf } from '../pricing/pricing-type';
import {
  type Conversation,
  isCustomerServiceWindowOpen,
  isFreeEntryPointOpen,
  replyOpensFreeEntryPoint,
} from './conversation';
import type { EventOf } from './events';

export interface PolicyContext {
  conversation: Conversation;
  /** The template named by the request, in the request's language, if the business has one. */
  template: Template | undefined;
  business: Pick<Business, 'messagingTier' | 'throughputPerSecond'>;
  usage: BusinessUsage;
}

type Request = EventOf<'MessageRequested'>['data'];
export type PolicyDecision = EventOf<'MessageAccepted'> | EventOf<'MessageRejected'>;

/**
 * Decides one requested message at the moment it was requested. The checks run in the order
 * domain.md fixes; the first failing one gives the error.
 */
export function decideMessage(request: Request, ctx: PolicyContext, now: number): PolicyDecision {
  const { conversation } = ctx;
  const insideWindow = isCustomerServiceWindowOpen(conversation, now);
  const error = firstFailingCheck(request, ctx, now, insideWindow);
  const pair = { businessId: request.businessId, waId: request.waId, at: iso(now), messageId: request.messageId };
  if (error) return { type: 'MessageRejected', data: { ...pair, error } };

  const opensFreeEntryPoint = replyOpensFreeEntryPoint(conversation, now);
  const pricing = pricingOf({
    templateCategory: request.kind === 'template' ? ctx.template!.category : null,
    insideFreeEntryPoint: opensFreeEntryPoint || isFreeEntryPointOpen(conversation, now),
    insideCustomerServiceWindow: insideWindow,
  });
  return {
    type: 'MessageAccepted',
    data: {
      ...pair,
      kind: request.kind,
      category: pricing.category,
      pricingType: pricing.type,
      billable: pricing.billable,
      outsideCustomerServiceWindow: !insideWindow,
      opensFreeEntryPoint,
    },
  };
}

function firstFailingCheck(request: Request, ctx: PolicyContext, now: number, insideWindow: boolean): MessageError | undefined {
  const { conversation, template } = ctx;
  if (conversation.blocked) return messageError(ErrorCode.Undeliverable, 'The customer has blocked this business.');

  if (request.kind === 'template') {
    const ref = request.template!;
    const templateError = checkTemplate(template, ref.parameterCount);
    if (templateError) return templateError;
  } else if (!insideWindow) {
    return messageError(
      ErrorCode.ReEngagement,
      'More than 24 hours have passed since the customer last replied; only a template may be sent.',
    );
  }

  if (request.kind === 'template' && !insideWindow && !conversation.consent.granted) {
    return messageError(ErrorCode.NoConsent, 'The customer has not consented to messages from this business.');
  }
  if (template?.category === 'MARKETING' && conversation.marketingOptOut) {
    return messageError(ErrorCode.MarketingOptedOut, 'The customer stopped marketing messages from this business.');
  }

  if (!insideWindow) {
    // The tier in force: one step lower while the quality rating is RED (limits/messaging-tier.ts).
    const quality = qualityRating(qualitySignals(ctx.usage, now));
    const tier = effectiveTier(ctx.business.messagingTier, quality);
    if (wouldExceedMessagingLimit(ctx.usage, tier, request.waId, now)) {
      const lowered = tier === ctx.business.messagingTier ? '' : ` (tier ${String(ctx.business.messagingTier)}, lowered by a RED quality rating)`;
      return messageError(
        ErrorCode.MessagingLimit,
        `The business reached its limit of ${String(tier)} unique customers outside the window in 24 hours${lowered}.`,
      );
    }
  }
  if (wouldExceedThroughput(ctx.usage, ctx.business.throughputPerSecond, now)) {
    return messageError(ErrorCode.ThroughputLimit, `More than ${ctx.business.throughputPerSecond} messages per second.`);
  }
  if (!hasToken(conversation.pairBucket, now)) {
    return messageError(ErrorCode.PairRateLimit, 'Too many messages to this customer; retry in a few seconds.');
  }
  return undefined;
}

function checkTemplate(template: Template | undefined, parameterCount: number): MessageError | undefined {
  switch (template?.status) {
    case 'APPROVED':
      return template.parameterCount === parameterCount
        ? undefined
        : messageError(
            ErrorCode.TemplateParamMismatch,
            `The template has ${template.parameterCount} parameters; ${parameterCount} were given.`,
          );
    case 'PAUSED':
      return messageError(ErrorCode.TemplatePaused, 'The template is paused.');
    case 'DISABLED':
      return messageError(ErrorCode.TemplateDisabled, 'The template is disabled.');
    default:
      return messageError(ErrorCode.TemplateNotFound, 'No approved template with that name in that language.');
  }
}
