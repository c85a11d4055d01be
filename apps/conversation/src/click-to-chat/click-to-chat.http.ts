import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { CONFIG, type HttpReply, PhonePipe, type PlatformConfig, badRequest } from '@ventana/platform';

/** `/c/<phone>?text=…` → 302 to the chat app's deep link with the prefilled text preserved (no auth). */
@Controller('c')
export class ClickToChatController {
  constructor(@Inject(CONFIG) private readonly config: PlatformConfig) {}

  @Get(':phone')
  open(@Param('phone', PhonePipe) phone: string, @Query('text') text: unknown, @Res() reply: HttpReply) {
    if (text !== undefined && typeof text !== 'string') throw badRequest('text must be a single string.', [{ field: 'text', detail: 'must be a string' }]);
    const query = new URLSearchParams({ phone, ...(text !== undefined && { text }) });
    return reply.redirect(`${this.config.chatDeepLinkBase}?${query.toString().replace(/\+/g, '%20')}`, 302);
  }
}
