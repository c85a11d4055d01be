import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CLOCK, CONFIG, type Clock, type PlatformConfig, WORKLOAD, type Workload } from '@ventana/platform';
import { DeviceInbox } from './device-inbox';

/** Once a second, fails (131026) what devices left unfetched longer than INBOX_TTL_SECONDS of platform time. */
@Injectable()
export class InboxExpiry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('inbox-expiry');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly inbox: DeviceInbox,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: PlatformConfig,
    @Inject(WORKLOAD) private readonly workload: Workload,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.workload.reactors) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      const now = this.clock.now();
      const id = randomUUID();
      this.running = this.inbox
        .expire(now - this.config.inboxTtlSeconds * 1000, { correlationId: id, causationId: id, time: new Date(now).toISOString() })
        .catch((error) => this.logger.error({ err: error }, 'expiring inbox messages failed'))
        .finally(() => (this.running = undefined));
    }, 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
