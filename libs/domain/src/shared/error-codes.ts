/** The platform's stable error codes (domain.md); part of the public API. */
export const ErrorCode = {
  ReEngagement: 131047,
  NoConsent: 1001,
  MarketingOptedOut: 131050,
  Undeliverable: 131026,
  TemplateParamMismatch: 132000,
  TemplateNotFound: 132001,
  TemplatePaused: 132015,
  TemplateDisabled: 132016,
  ThroughputLimit: 130429,
  PairRateLimit: 131056,
  MessagingLimit: 131048,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface MessageError {
  code: ErrorCode;
  title: string;
  detail: string;
}

const TITLES: Record<ErrorCode, string> = {
  131047: 'Re-engagement message',
  1001: 'No consent',
  131050: 'Marketing messages stopped by the customer',
  131026: 'Message undeliverable',
  132000: 'Template parameter count mismatch',
  132001: 'Template does not exist',
  132015: 'Template paused',
  132016: 'Template disabled',
  130429: 'Throughput limit reached',
  131056: 'Pair rate limit hit',
  131048: 'Messaging limit reached',
};

export const messageError = (code: ErrorCode, detail: string): MessageError => ({ code, title: TITLES[code], detail });
