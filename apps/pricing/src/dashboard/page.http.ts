import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type HttpReply, notFound } from '@ventana/platform';
import { type PageAsset, pageAsset } from './page-assets';

/**
 * The page allows only its own files: no inline script or style, no other origin, no framing, and
 * forms that never submit (the token must not end up in a URL if the script failed to load).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function send(reply: HttpReply, asset: PageAsset): Buffer {
  reply
    .header('Content-Type', asset.contentType)
    .header('Content-Security-Policy', DASHBOARD_CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    // The files carry no data, but change with each deployment.
    .header('Cache-Control', 'no-cache');
  return asset.body;
}

/**
 * The operator dashboard: a static page with no data in it, open to anyone. A browser cannot put
 * a bearer token on a navigation, so the page asks for the operator token and calls the
 * operator-only /v1/dashboard/* endpoints with it.
 */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardPageController {
  @Get()
  page(@Res({ passthrough: true }) reply: HttpReply): Buffer {
    return send(reply, pageAsset('index.html')!);
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res({ passthrough: true }) reply: HttpReply): Buffer {
    const asset = pageAsset(name);
    if (!asset) throw notFound(`The dashboard has no file named ${name}.`);
    return send(reply, asset);
  }
}
