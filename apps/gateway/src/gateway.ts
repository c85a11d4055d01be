import { Agent, type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { Server } from 'node:http';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import { refusedAsTooLarge } from './body-limit';
import { type Upstream, upstreamFor } from './routes';

/** Each service's instances; requests take turns among them. */
export type Upstreams = Record<Upstream, URL[]>;

/**
 * The public edge of the distributed deployment: one port, the paths of api.md, each request
 * streamed to the service that owns it. It holds no state, so any number can run side by side.
 */
export function createGateway(upstreams: Upstreams, log: Logger): Server {
  // Idle upstream sockets are dropped well before the services' own keep-alive timeout (65 s), so a
  // request is never written to a socket the service is closing at that moment.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 30_000 });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const forwarded = new Counter({
    name: 'ventana_gateway_requests_total',
    help: 'Requests forwarded, by upstream and status',
    labelNames: ['upstream', 'status'],
    registers: [registry],
  });

  /** A service is up when at least one of its instances is ready. */
  const ready = async (): Promise<Record<string, string>> => {
    const entries = await Promise.all(
      Object.entries(upstreams).map(async ([name, urls]) => {
        const answers = await Promise.all(
          urls.map((url) => fetch(new URL('/health/ready', url), { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)),
        );
        return [name, answers.some(Boolean) ? 'up' : 'down'] as const;
      }),
    );
    return Object.fromEntries(entries);
  };

  let turn = 0;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    if (refusedAsTooLarge(req, res)) return;
    const name = upstreamFor(req.url ?? '/');
    const instances = upstreams[name];
    const target = instances[turn++ % instances.length];
    const upstream = request(
      {
        agent,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
      },
      (answer) => {
        forwarded.inc({ upstream: name, status: String(answer.statusCode) });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      log.warn({ err: error, upstream: name }, 'upstream unreachable');
      forwarded.inc({ upstream: name, status: '502' });
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Bad Gateway', status: 502, detail: `the ${name} service did not answer` }));
    });
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    // Its own probes and scrape are GETs; any other method goes on, to be refused as an unknown route is.
    const path = req.method === 'GET' || req.method === 'HEAD' ? (req.url ?? '/').split('?')[0] : undefined;
    if (path === '/health/live') return json(res, 200, { status: 'ok' });
    if (path === '/health/ready') {
      return void ready().then((status) => {
        const ok = Object.values(status).every((s) => s === 'up');
        json(res, ok ? 200 : 503, { status: ok ? 'ok' : 'error', upstreams: status });
      });
    }
    if (path === '/metrics') {
      return void registry.metrics().then((body) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
      });
    }
    forward(req, res);
  });
  keepAliveLongerThanClients(server);
  return server;
}

/** Clients (fetch keeps idle sockets 4 s, most proxies 60 s) close idle connections before we do. */
function keepAliveLongerThanClients(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
