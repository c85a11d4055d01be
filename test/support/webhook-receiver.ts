import { createHmac } from 'node:crypto';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the platform made to a business's webhook. */
export interface WebhookDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  raw: Buffer;
  body: any;
  /** The HTTP status this receiver answered. */
  answered: number;
}

export interface ReceivedStatus {
  id: string;
  status: string;
  timestamp: string;
  recipient_id: string;
  pricing?: any;
  errors?: any[];
  delivery: WebhookDelivery;
}

/** `sha256=` + hex HMAC-SHA256 of the raw body keyed with the UTF-8 bytes of the secret. */
export const expectedSignature = (raw: Buffer, secret: string) =>
  `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(raw).digest('hex')}`;

/** A business's webhook endpoint on 127.0.0.1 (random port): records every POST, answers 200 unless told otherwise. */
export class WebhookReceiver {
  readonly deliveries: WebhookDelivery[] = [];
  private answer: (d: Omit<WebhookDelivery, 'answered'>) => number = () => 200;
  private counter = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const ref: { receiver?: WebhookReceiver } = {};
    const server = createServer((req, res) => {
      const receiver = ref.receiver!;
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          body = undefined;
        }
        const partial = { path: req.url ?? '/', headers: req.headers, raw, body };
        let status = 200;
        try {
          status = receiver.answer(partial);
        } catch {
          status = 500;
        }
        receiver.deliveries.push({ ...partial, answered: status });
        res.statusCode = status;
        res.end(status < 300 ? 'ok' : 'try again');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ref.receiver = new WebhookReceiver(server, (server.address() as AddressInfo).port);
    return ref.receiver;
  }

  /** A fresh URL on this receiver, so each business's deliveries can be told apart. */
  newUrl(): string {
    return `http://127.0.0.1:${this.port}/hooks/${++this.counter}-${Math.random().toString(36).slice(2, 8)}`;
  }

  /** Decides the HTTP status of each POST (200 by default). */
  respondWith(answer: (d: Omit<WebhookDelivery, 'answered'>) => number): void {
    this.answer = answer;
  }

  for(url: string): WebhookDelivery[] {
    const path = new URL(url).pathname;
    return this.deliveries.filter((d) => d.path === path);
  }

  /** Every status update posted to `url`, in arrival order (repeats included). */
  statuses(url: string): ReceivedStatus[] {
    return this.for(url).flatMap((delivery) =>
      (delivery.body?.entry ?? []).flatMap((entry: any) =>
        (entry.changes ?? []).flatMap((change: any) => (change.value?.statuses ?? []).map((s: any) => ({ ...s, delivery }))),
      ),
    );
  }

  /** Every inbound customer message posted to `url`. */
  messages(url: string): { message: any; delivery: WebhookDelivery }[] {
    return this.for(url).flatMap((delivery) =>
      (delivery.body?.entry ?? []).flatMap((entry: any) =>
        (entry.changes ?? []).flatMap((change: any) => (change.value?.messages ?? []).map((message: any) => ({ message, delivery }))),
      ),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections?.();
      this.server.close(() => resolve());
    });
  }
}
