import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ProblemException, tooManyRequests } from '../problem/problem';
import { CONFIG } from '../runtime/tokens';
import type { PlatformConfig } from '../runtime/config';

/** What the limiter needs of a request: who sent it (Fastify's `ip`, TRUST_PROXY-aware) and the token it claims. */
export interface Client {
  ip?: string;
}

/** `vk_<business id>` or `vd_<wa_id>`: whose key a token claims to be, whatever its secret. */
const CLAIMED_OWNER = /^(v[kd]_[^.]{1,64})\./;

/**
 * Repeated failed authentications are limited per client (rate-limiter-flexible, in this
 * process's memory): at most `perIp` failures per source IP and `perKey` per presented key prefix
 * in a window of `windowSeconds`. Beyond that a failing request gets 429 with `Retry-After`
 * instead of 401. Successful requests are never counted and never refused: API keys and device
 * tokens carry 256 random bits, so serving the right one gives a guesser nothing, and nobody can
 * lock a business out of its own API by sending bad keys in its name.
 *
 * The operator token is different: a person may have chosen it (ADMIN_TOKEN). While a source IP is
 * over its budget, operator tokens from it are refused with 429 before they are compared, so it
 * cannot be guessed faster than the budget allows.
 */
@Injectable()
export class AuthFailures {
  private readonly byIp?: RateLimiterMemory;
  private readonly byKey?: RateLimiterMemory;

  constructor(@Inject(CONFIG) config: PlatformConfig) {
    const { perIp, perKey, windowSeconds } = config.authFailures;
    if (perIp > 0) this.byIp = new RateLimiterMemory({ keyPrefix: 'auth-ip', points: perIp, duration: windowSeconds });
    if (perKey > 0) this.byKey = new RateLimiterMemory({ keyPrefix: 'auth-key', points: perKey, duration: windowSeconds });
  }

  /**
   * Runs `authenticate` for `client`, which presented `token`: a 401 it throws is counted, and
   * becomes a 429 once the client is over its budget. `guessable`: refuse at once while over it.
   */
  async check<T>(
    client: Client,
    token: string | undefined,
    authenticate: () => T | Promise<T>,
    options: { guessable?: boolean } = {},
  ): Promise<T> {
    const ip = client.ip ?? 'unknown';
    if (options.guessable && this.byIp) {
      const spent = await this.byIp.get(ip);
      if (spent && spent.consumedPoints >= this.byIp.points) throw tooMany(spent.msBeforeNext);
    }
    try {
      return await authenticate();
    } catch (error) {
      if (!(error instanceof ProblemException) || error.status !== 401) throw error;
      const owner = token === undefined ? undefined : CLAIMED_OWNER.exec(token)?.[1];
      const refusals = await Promise.all([spend(this.byIp, ip), owner === undefined ? undefined : spend(this.byKey, owner)]);
      const refused = refusals.find((r) => r !== undefined);
      if (refused) throw tooMany(refused.msBeforeNext);
      throw error;
    }
  }
}

/** Spends one failure; the limiter's answer when that was over the budget. */
async function spend(limiter: RateLimiterMemory | undefined, key: string): Promise<RateLimiterRes | undefined> {
  if (!limiter) return undefined;
  try {
    await limiter.consume(key);
    return undefined;
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return refusal;
    throw refusal;
  }
}

const tooMany = (retryAfterMs: number) => tooManyRequests('Too many failed authentications from this client; retry later.', retryAfterMs);
