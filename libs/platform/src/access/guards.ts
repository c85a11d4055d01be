import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { type Business, type BusinessEvent, type CustomerDevice, type CustomerEvent, foldBusiness, foldCustomer } from '@ventana/domain';
import type { EventStore } from '@ventana/event-store';
import { forbidden, unauthorized as unauthorizedProblem } from '../problem/problem';
import { hashToken, tokenMatches } from '../auth/tokens';
import { bearerToken } from '../auth/bearer';
import { CONFIG, EVENT_STORE } from '../runtime/tokens';
import type { PlatformConfig } from '../runtime/config';
import { Streams } from '../runtime/streams';
import type { AuthenticatedRequest } from './principal';
import { AuthFailures } from './auth-failures';

/**
 * Token formats carry the owner's id (`vk_<business>.<secret>`, `vd_<wa_id>.<secret>`), so a
 * guard reads exactly one stream (consistent, no index that could lag) and compares hashes in
 * constant time. Guards run before validation: a caller without the right token learns nothing.
 * Failed authentications are counted per client and limited (auth-failures.ts).
 */
const unauthorized = () => unauthorizedProblem('A valid bearer token of the right kind is required.');

function bearer(request: AuthenticatedRequest): string {
  const token = bearerToken(request);
  if (!token) throw unauthorized();
  return token;
}

function ownerOf(token: string, prefix: string): string {
  if (!token.startsWith(prefix)) throw unauthorized();
  const dot = token.indexOf('.', prefix.length);
  if (dot < 0) throw unauthorized();
  return token.slice(prefix.length, dot);
}

export const businessApiKey = (businessId: string, secret: string) => `vk_${businessId}.${secret}`;
export const deviceToken = (waId: string, secret: string) => `vd_${waId}.${secret}`;

@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(
    @Inject(CONFIG) private readonly config: PlatformConfig,
    private readonly failures: AuthFailures,
  ) {}

  canActivate(ctx: ExecutionContext): Promise<boolean> {
    const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    // A person may have chosen the operator token: it is the one secret worth guessing.
    return this.failures.check(request, bearerToken(request), () => this.authenticate(request), { guessable: true });
  }

  private authenticate(request: AuthenticatedRequest): boolean {
    const given = Buffer.from(hashToken(bearer(request)));
    const expected = Buffer.from(hashToken(this.config.adminToken));
    if (!timingSafeEqual(given, expected)) throw unauthorized();
    request.principal = { kind: 'operator' };
    return true;
  }
}

/** A business API key; the route's `business_id`, when present, must be the key's own business. */
@Injectable()
export class BusinessGuard implements CanActivate {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly failures: AuthFailures,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const business = await this.failures.check(request, bearerToken(request), () => this.authenticate(request));
    const routeBusiness = request.params.business_id;
    if (routeBusiness !== undefined && routeBusiness !== business.id) {
      throw forbidden('This API key belongs to another business.');
    }
    request.principal = { kind: 'business', business };
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<Business> {
    const token = bearer(request);
    const businessId = ownerOf(token, 'vk_');
    const { events } = await this.store.readStream(Streams.business(businessId));
    const business = foldBusiness(events as unknown as BusinessEvent[]);
    if (!business || !tokenMatches(token, business.apiKeyHash)) throw unauthorized();
    return business;
  }
}

/** A customer device token; the route's `wa_id` must be the token's own customer. */
@Injectable()
export class DeviceGuard implements CanActivate {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly failures: AuthFailures,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const device = await this.failures.check(request, bearerToken(request), () => this.authenticate(request));
    if (request.params.wa_id !== undefined && request.params.wa_id !== device.waId) {
      throw forbidden('This device token belongs to another customer.');
    }
    request.principal = { kind: 'device', device };
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<CustomerDevice> {
    const token = bearer(request);
    const waId = ownerOf(token, 'vd_');
    const { events } = await this.store.readStream(Streams.customer(waId));
    const device = foldCustomer(events as unknown as CustomerEvent[]);
    if (!device || !tokenMatches(token, device.deviceTokenHash)) throw unauthorized();
    return device;
  }
}
