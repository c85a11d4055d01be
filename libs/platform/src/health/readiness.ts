import { Injectable } from '@nestjs/common';

/** A dependency the service needs before it can take traffic. `check()` resolves when usable, throws when not. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/**
 * Injection token for the `ReadinessChecks` registry (an alias of the class, for `@Inject()` users).
 *
 * Nest has no multi-providers (several providers contributing to one token), so checks are collected
 * in a registry instead: any module injects it and calls `register()` from its constructor or
 * `onModuleInit()`, both of which run before the app listens. HealthModule is global, so contributing
 * modules need not import it.
 */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

@Injectable()
export class ReadinessChecks {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(check: ReadinessCheck): void {
    // Results are keyed by name: a second check with the same name would silently hide the first.
    if (this.checks.has(check.name)) {
      throw new Error(`readiness check "${check.name}" is already registered`);
    }
    this.checks.set(check.name, check);
  }

  all(): ReadinessCheck[] {
    return [...this.checks.values()];
  }
}
