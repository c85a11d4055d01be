import { createLogger } from '@ventana/platform';
import { createGateway } from './gateway';

/** The gateway process: PORT, and where each service's instances listen (comma-separated URLs). */
const log = createLogger('gateway');
const urls = (name: string) => {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`${name} is not set`);
  return value.split(',').map((url) => new URL(url.trim()));
};
const server = createGateway({ conversation: urls('CONVERSATION_URL'), pricing: urls('PRICING_URL'), delivery: urls('DELIVERY_URL') }, log);
const port = Number(process.env.PORT ?? 3000);
server.listen(port, '0.0.0.0', () => log.info({ port }, 'gateway listening'));
const stop = () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
