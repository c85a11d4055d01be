import Fastify from 'fastify';
import { captureLog } from '../logging/testing/log-capture';
import { observeRequests } from './request-hooks';

describe('request log', () => {
  it('writes one line per request with only method, path without query, status, duration and id', async () => {
    const { logger, lines } = captureLog('http');
    const fastify = Fastify();
    observeRequests(fastify, logger);
    fastify.post('/v1/:business_id/messages', async (_req, reply) => reply.code(202).send({ ok: true }));
    try {
      const url = await fastify.listen({ host: '127.0.0.1', port: 0 });
      const reply = await fetch(`${url}/v1/b1/messages?access_token=vk_secret`, {
        method: 'POST',
        headers: { authorization: 'Bearer vk_b1.secret', 'x-request-id': 'req-1', 'content-type': 'application/json' },
        body: JSON.stringify({ text: { ciphertext: 'sealed-bytes', nonce: 'n' } }),
      });
      expect(reply.status).toBe(202);
    } finally {
      await fastify.close();
    }
    const requestLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request');
    expect(requestLines).toHaveLength(1);
    const { level: _level, time: _time, pid: _pid, hostname: _host, name, msg: _msg, ...fields } = requestLines[0];
    expect(name).toBe('http');
    expect(Object.keys(fields).sort()).toEqual(['durationMs', 'method', 'path', 'requestId', 'status']);
    expect(fields).toMatchObject({ requestId: 'req-1', method: 'POST', path: '/v1/b1/messages', status: 202 });
    expect(lines.join('')).not.toMatch(/secret|sealed-bytes/);
  });
});
