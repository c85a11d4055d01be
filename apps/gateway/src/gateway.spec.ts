import { Agent, type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createGateway } from './gateway';

/** Found by test/e2e/fuzz.spec.ts on the distributed topology: what the gateway answers without a service. */
describe('gateway', () => {
  const seen: string[] = [];
  let service: Server;
  let gateway: Server;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });

  const listen = (server: Server) =>
    new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  const send = (method: string, path: string, body?: string) =>
    new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
      const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
      const req = request({ agent, port, method, path, headers, timeout: 5000 }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }));
      });
      req.on('timeout', () => req.destroy(new Error('no answer')));
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    // A service that, like Fastify on a body over its limit, answers at once and closes the socket under the upload.
    service = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(404, { 'content-type': 'application/problem+json', connection: 'close' });
      res.end('{}');
      req.socket.destroy();
    });
    const upstream = new URL(`http://127.0.0.1:${await listen(service)}`);
    gateway = createGateway({ conversation: [upstream], pricing: [upstream], delivery: [upstream] }, pino({ level: 'silent' }));
    port = await listen(gateway);
  });
  afterAll(() => {
    agent.destroy();
    gateway.close();
    service.close();
  });

  it('answers a body declared over 256 KiB with 413 problem+json itself, every time, on a kept-alive connection', async () => {
    const oversized = JSON.stringify({ pad: 'A'.repeat(270 * 1024) });
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await send('PUT', '/v1/customers/919812345678', oversized));
    expect(new Set(answers.map((a) => `${a.status} ${a.type}`))).toEqual(new Set(['413 application/problem+json; charset=utf-8']));
    expect(JSON.parse(answers[0].text)).toEqual(expect.objectContaining({ status: 413, title: 'Payload too large' }));
    expect(seen).toEqual([]);
  });

  it('serves its probes and scrape to GET only: another method goes on to a service, to be refused there', async () => {
    expect((await send('GET', '/health/live')).status).toBe(200);
    expect((await send('PATCH', '/health/live')).status).toBe(404);
    expect((await send('POST', '/metrics', '{}')).status).toBe(404);
    expect(seen).toEqual(['PATCH /health/live', 'POST /metrics']);
  });
});
