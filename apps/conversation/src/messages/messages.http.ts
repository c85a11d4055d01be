import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsObject, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { createHash } from 'node:crypto';
import type { MessageRow, ProjectionRunner, SqlDatabase } from '@ventana/projections';
import {
  BusinessGuard,
  CLOCK,
  type Clock,
  type HttpRequest,
  IsTemplateLanguage,
  IsTemplateName,
  IsWaPhone,
  PROJECTIONS,
  READ_MODELS,
  SealedContentDto,
  badRequest,
  notFound,
  requestCausation,
} from '@ventana/platform';
import { SendMessage } from './send-message.command';

export class TemplateRefDto {
  @IsTemplateName()
  name!: string;

  @IsTemplateLanguage()
  language!: string;

  @IsInt()
  @Min(0)
  @Max(100)
  parameter_count!: number;

  @ValidateIf((t: TemplateRefDto) => t.parameter_count > 0 || t.parameters !== undefined)
  @IsDefined({ message: 'parameters is required when parameter_count is above 0' })
  @IsObject()
  @ValidateNested()
  @Type(() => SealedContentDto)
  parameters?: SealedContentDto;
}

export class SendMessageDto {
  @IsWaPhone()
  to!: string;

  @IsIn(['text', 'template'])
  type!: 'text' | 'template';

  @ValidateIf((m: SendMessageDto) => m.type === 'text' || m.text !== undefined)
  @IsDefined({ message: 'text is required when type is text' })
  @IsObject()
  @ValidateNested()
  @Type(() => SealedContentDto)
  text?: SealedContentDto;

  @ValidateIf((m: SendMessageDto) => m.type === 'template' || m.template !== undefined)
  @IsDefined({ message: 'template is required when type is template' })
  @IsObject()
  @ValidateNested()
  @Type(() => TemplateRefDto)
  template?: TemplateRefDto;
}

/** Same JSON whatever the key order, so a retried body hashes the same. */
const canonical = (value: unknown): string =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? `{${Object.keys(value)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
        .join(',')}}`
    : JSON.stringify(value);

@Controller('v1/:business_id/messages')
@UseGuards(BusinessGuard)
export class MessagesController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
  ) {}

  @Post()
  @HttpCode(202)
  send(
    @Param('business_id') businessId: string,
    @Body() body: SendMessageDto,
    @Headers('idempotency-key') key: string | undefined,
    @Req() req: HttpRequest & { body: unknown },
  ) {
    if (body.type === 'text' && body.template) throw badRequest('A text message has no template.', [{ field: 'template', detail: 'not allowed when type is text' }]);
    if (body.type === 'template' && body.text) throw badRequest('A template message has no text.', [{ field: 'text', detail: 'not allowed when type is template' }]);
    if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw badRequest('Idempotency-Key must be 1 to 255 printable ASCII characters.', [{ field: 'Idempotency-Key', detail: 'invalid' }]);
    }
    const t = body.template;
    const request = {
      businessId,
      waId: body.to,
      kind: body.type,
      template: t ? { name: t.name, language: t.language, parameterCount: t.parameter_count } : null,
      content: body.type === 'text' ? { ciphertext: body.text!.ciphertext, nonce: body.text!.nonce } : t?.parameters ? { ...t.parameters } : null,
    };
    const idempotency = key === undefined ? null : { key, bodyHash: createHash('sha256').update(canonical(req.body)).digest('hex') };
    return this.commands.execute(new SendMessage(request, idempotency, requestCausation(req, this.clock)));
  }

  @Get(':message_id')
  async get(@Param('business_id') businessId: string, @Param('message_id') messageId: string) {
    await this.projections.upToDate();
    const row = await this.readModels.one<MessageRow>(`SELECT * FROM messages WHERE id = ? AND business_id = ?`, [messageId, businessId]);
    if (!row) throw notFound(`No message ${messageId}.`);
    return {
      id: row.id,
      to: row.wa_id,
      type: row.type,
      status: row.status,
      ...(row.pricing && { pricing: JSON.parse(row.pricing) }),
      ...(row.charge && { charge: JSON.parse(row.charge) }),
      ...(row.errors && row.status === 'failed' && { errors: JSON.parse(row.errors) }),
    };
  }
}
