import type { Command } from 'commander';
import type { ConversationEvent } from '@ventana/domain';
import { collect, isoTime } from '../arguments';
import type { Deployment } from '../connection/connect';
import { EXIT, printJson, printLine, withDeployment } from '../connection/run-command';
import { Streams, businessIdFor } from '../../../../libs/platform/src/runtime/streams';
import { conversationAt } from './conversation-at';

interface StateAtFlags {
  at: string[];
  json?: boolean;
}

export function registerStateAt(program: Command): void {
  program
    .command('state-at')
    .description("a conversation's window, consent and block state at past moments, computed from its events")
    .argument('<business>', 'business id, or its phone number')
    .argument('<wa_id>', "the customer's number")
    .option('--at <time>', 'ISO-8601 moment (repeatable; default now)', (value: string, previous: string[]) => collect(isoTime(value), previous), [])
    .option('--json', 'machine-readable output')
    .action(withDeployment(stateAt));
}

async function stateAt(deployment: Deployment, business: string, waId: string, flags: StateAtFlags): Promise<number> {
  const businessId = /^\d{8,15}$/.test(business) ? businessIdFor(business) : business;
  const { events } = await deployment.store.readStream(Streams.conversation(businessId, waId));
  const moments = flags.at.length > 0 ? flags.at : [new Date().toISOString()];
  const states = moments.map((at) => conversationAt(events as unknown as ConversationEvent[], at));
  if (flags.json) {
    printJson({ business_id: businessId, wa_id: waId, states });
    return EXIT.ok;
  }
  printLine(`conversation of business ${businessId} with ${waId} (${events.length} events)`);
  for (const s of states) {
    const csw = s.customer_service_window.open ? `open until ${s.customer_service_window.expires_at}` : 'closed';
    const fep = s.free_entry_point_window.open ? `open until ${s.free_entry_point_window.expires_at}` : 'closed';
    const consent = s.consent.granted ? `granted (${s.consent.source})` : 'none';
    printLine(`${s.at}  window ${csw}; free entry point ${fep}; consent ${consent}; marketing ${s.marketing_opt_out ? 'stopped' : 'allowed'}; ${s.blocked ? 'BLOCKED' : 'not blocked'}`);
  }
  return EXIT.ok;
}
