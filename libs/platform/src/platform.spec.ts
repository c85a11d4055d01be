process.env.LOG_LEVEL ??= 'silent';

import 'reflect-metadata';
import { Body, Controller, Get, Injectable, Module, Param, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Type } from 'class-transformer';
import { IsInt, IsString, Length, Min, ValidateNested } from 'class-validator';
import {
  HealthModule,
  MetricsModule,
  ReadinessChecks,
  bearerToken,
  createHttpApp,
  hashToken,
  newSecretToken,
  notFound,
  tokenMatches,
  validateBody,
} from '@ventana/platform';
import { captureLog } from './logging/testing/log-capture';

class TemplateDto {
  @IsString() name!: string;
  @IsInt() @Min(0) parameter_count!: number;
}

class SendMessageDto {
  @IsString() @Length(1, 300_000) to!: string;
  @ValidateNested() @Type(() => TemplateDto) template!: TemplateDto;
}

@Controller('messages')
class MessagesController {
  @Post()
  send(@Body() body: SendMessageDto) {
    return { isDto: body instanceof SendMessageDto, isTemplate: body.template instanceof TemplateDto };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    throw notFound(`no message ${id}`);
  }

  @Get('boom/now')
  boom() {
    throw new Error('database password is hunter2');
  }
}

@Injectable()
class BrokenDependency {
  constructor(checks: ReadinessChecks) {
    checks.register({ name: 'ok-dependency', check: async () => undefined });
    checks.register({ name: 'broken-dependency', check: async () => Promise.reject(new Error('connection refused')) });
  }
}

@Module({
  imports: [HealthModule.forRoot(), MetricsModule],
  controllers: [MessagesController],
  providers: [BrokenDependency],
})
class TestModule {}

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; detail: string }[];
}

interface HealthBody {
  status: string;
  info: Record<string, { status: string }>;
  error: Record<string, { status: string; message?: string }>;
}

const validMessage = { to: '+15550001', template: { name: 'welcome', parameter_count: 2 } };

describe('platform over HTTP', () => {
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    app = await createHttpApp(TestModule);
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  const post = (path: string, body: string, contentType = 'application/json') =>
    fetch(base + path, { method: 'POST', headers: { 'content-type': contentType }, body });

  async function expectProblem(res: Response, status: number): Promise<ProblemBody> {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as ProblemBody;
    expect(body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\/ventana\.dev\/problems\/[a-z-]+$/) });
    expect(typeof body.title).toBe('string');
    expect(typeof body.detail).toBe('string');
    return body;
  }

  it('accepts a valid body and turns it into DTO instances', async () => {
    const res = await post('/messages', JSON.stringify(validMessage));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ isDto: true, isTemplate: true });
  });

  it('parses application/*+json too', async () => {
    const res = await post('/messages', JSON.stringify(validMessage), 'application/merge-patch+json');
    expect(res.status).toBe(201);
  });

  it('answers invalid fields with 400 and every field error', async () => {
    const res = await post(
      '/messages',
      JSON.stringify({ template: { name: 7, parameter_count: '2' }, unexpected: true }),
    );
    const body = await expectProblem(res, 400);
    expect(body.type).toBe('https://ventana.dev/problems/validation-error');
    expect(body.title).toBe('Validation error');
    const fields = body.errors?.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['to', 'template.name', 'template.parameter_count', 'unexpected']));
    expect(body.errors).toContainEqual({ field: 'unexpected', detail: 'property unexpected should not exist' });
    // No implicit conversion: "2" is not an integer.
    expect(body.errors).toContainEqual({
      field: 'template.parameter_count',
      detail: expect.stringContaining('integer'),
    });
  });

  it('answers malformed JSON with 400', async () => {
    const res = await post('/messages', '{"to": "+1555",');
    const body = await expectProblem(res, 400);
    expect(body.detail).toBe('malformed JSON');
  });

  it('answers a body over 256 KiB with 413', async () => {
    const res = await post('/messages', JSON.stringify({ ...validMessage, to: 'x'.repeat(256 * 1024) }));
    const body = await expectProblem(res, 413);
    expect(body.type).toBe('https://ventana.dev/problems/payload-too-large');
    expect(body.detail).toBe('request body is larger than the limit of 262144 bytes');
  });

  it('answers an unknown route with 404, without the query string', async () => {
    const body = await expectProblem(await fetch(`${base}/nowhere?token=secret`), 404);
    expect(body.detail).toBe('no route for GET /nowhere');
    expect(body.type).toBe('https://ventana.dev/problems/not-found');
  });

  it('answers a ProblemException from a handler as-is', async () => {
    const body = await expectProblem(await fetch(`${base}/messages/m1`), 404);
    expect(body.detail).toBe('no message m1');
  });

  it('answers an unexpected error with a generic 500', async () => {
    const res = await fetch(`${base}/messages/boom/now`);
    const body = await expectProblem(res, 500);
    expect(body.detail).not.toContain('hunter2');
    expect(body.detail).toContain(res.headers.get('x-request-id'));
  });

  it('keeps a usable x-request-id from the caller', async () => {
    const res = await fetch(`${base}/health/live`, { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
  });

  it('reports liveness and readiness', async () => {
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });

    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as HealthBody;
    expect(body.status).toBe('error');
    expect(body.error['broken-dependency']).toMatchObject({ status: 'down', message: 'connection refused' });
    expect(body.info['ok-dependency']).toMatchObject({ status: 'up' });
  });

  it('exposes Prometheus metrics labelled by route pattern', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('content-type')).toContain('version=0.0.4');
    const text = await res.text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toMatch(/ventana_http_requests_total\{method="POST",route="\/messages",status="201"\} \d+/);
    expect(text).toContain('ventana_http_requests_total{method="GET",route="/messages/:id",status="404"} 1');
    expect(text).toMatch(/ventana_http_requests_total\{method="GET",route="unmatched",status="404"\}/);
    expect(text).toMatch(/ventana_http_request_duration_seconds_bucket\{le="[\d.]+",method="POST",route="\/messages",status="400"\}/);
    expect(text).not.toContain('nowhere');
  });
});

describe('validateBody', () => {
  it('returns the instance or throws the validation problem', async () => {
    await expect(validateBody(SendMessageDto, validMessage)).resolves.toBeInstanceOf(SendMessageDto);
    await expect(validateBody(SendMessageDto, { ...validMessage, template: { name: 'x' } })).rejects.toMatchObject({
      status: 400,
      title: 'Validation error',
      errors: [{ field: 'template.parameter_count', detail: expect.any(String) }, expect.anything()],
    });
    await expect(validateBody(SendMessageDto, [])).rejects.toMatchObject({ status: 400 });
  });

  it('rejects a nested object whose DTO forgot @Type() instead of letting it through unchecked', async () => {
    class Untyped {
      @ValidateNested() template!: TemplateDto;
    }
    await expect(validateBody(Untyped, { template: { name: 1 } })).rejects.toMatchObject({
      status: 400,
      errors: [expect.objectContaining({ field: 'template' })],
    });
  });
});

describe('tokens', () => {
  it('makes prefixed 32-byte tokens and checks them against their hash', () => {
    const token = newSecretToken('vk_');
    expect(token).toMatch(/^vk_[A-Za-z0-9_-]{43}$/);
    const hash = hashToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenMatches(token, hash)).toBe(true);
    expect(tokenMatches(newSecretToken('vk_'), hash)).toBe(false);
    expect(tokenMatches(token, 'short')).toBe(false);
  });

  it('reads bearer tokens', () => {
    expect(bearerToken({ headers: { authorization: 'Bearer vk_abc-DEF_1' } })).toBe('vk_abc-DEF_1');
    expect(bearerToken({ headers: { authorization: 'bearer  abc==' } })).toBe('abc==');
    expect(bearerToken({ headers: { authorization: 'Basic abc' } })).toBeUndefined();
    expect(bearerToken({ headers: { authorization: 'Bearer a b' } })).toBeUndefined();
    expect(bearerToken({ headers: {} })).toBeUndefined();
  });
});

describe('logger', () => {
  it('redacts secrets', () => {
    const { logger, lines } = captureLog('test');
    logger.info({
      req: { headers: { authorization: 'Bearer vk_1' } },
      sealed: { ciphertext: 'c', nonce: 'n' },
      api_key: 'k',
      business: { webhook_secret: 'w', device_token: 'd', name: 'shop' },
    });
    const entry = JSON.parse(lines[0]);
    expect(entry.name).toBe('test');
    expect(entry.req.headers.authorization).toBe('[redacted]');
    expect(entry.sealed).toEqual({ ciphertext: '[redacted]', nonce: '[redacted]' });
    expect(entry.api_key).toBe('[redacted]');
    expect(entry.business).toEqual({ webhook_secret: '[redacted]', device_token: '[redacted]', name: 'shop' });
  });
});
