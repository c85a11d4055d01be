import { type Business, allocateCents, centsToUsd, graceEndsAt, invoiceFrom, microsToUsd, monthStart, nextMonth } from '@ventana/domain';
import type { InvoiceRecord } from '@ventana/projections';
import escape from 'escape-html';

const STYLE = `
  body { font: 14px/1.45 system-ui, sans-serif; color: #111; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
  .meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 1rem 0; }
  .status { display: inline-block; padding: .1rem .5rem; border: 1px solid; border-radius: .25rem; font-weight: 600; }
  .draft { color: #8a4b00; } .finalized { color: #1b5e20; }
  table { width: 100%; border-collapse: collapse; } th, td { padding: .35rem .5rem; border-bottom: 1px solid #ddd; text-align: left; }
  td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
  tfoot td { font-weight: 600; border-bottom: none; } .note { color: #555; font-size: .85rem; margin-top: 1.5rem; }
  @media print { body { margin: 0; max-width: none; } .status { border-color: #000; color: #000; } }`;

const text = (value: string | number) => escape(String(value));
const usd = (micros: number) => `$${microsToUsd(micros)}`;
const dollars = (cents: number) => `$${centsToUsd(cents)}`;
const count = (n: number) => n.toLocaleString('en-US');
const day = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);
const moment = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

interface Row {
  forMonth?: string;
  market: string;
  category: string;
  pricingType: string;
  messages: number;
  amountMicros: number;
  cents: number;
}

function table(rows: readonly Row[], withMonth: boolean): string {
  const head = `${withMonth ? '<th>Delivered in</th>' : ''}<th>Market</th><th>Category</th><th>Pricing type</th>
    <th class="n">Messages</th><th class="n">Exact amount</th><th class="n">Amount</th>`;
  const body = rows
    .map(
      (r) => `<tr>${withMonth ? `<td>${text(r.forMonth ?? '')}</td>` : ''}<td>${text(r.market)}</td><td>${text(r.category)}</td>
        <td>${text(r.pricingType)}</td><td class="n">${count(r.messages)}</td><td class="n">${usd(r.amountMicros)}</td><td class="n">${dollars(r.cents)}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/**
 * A printable invoice: every line in exact micro-dollars and in whole cents, the cents allocated
 * by largest remainder so that they add up to the payable total (the exact total rounded half-up
 * once). Everything from outside (names, markets) is escaped.
 */
export function invoiceHtml(business: Business, month: string, record: InvoiceRecord | undefined, graceMs: number): string {
  const invoice = record ?? invoiceFrom(month, []);
  const { cents } = allocateCents([...invoice.lines, ...invoice.adjustments].map((l) => l.amountMicros));
  const lines: Row[] = invoice.lines.map((l, i) => ({ ...l, cents: cents[i] }));
  const adjustments: Row[] = invoice.adjustments.map((a, i) => ({ ...a, cents: cents[invoice.lines.length + i] }));
  const status = record?.status ?? 'draft';
  const graceEnd = new Date(graceEndsAt(month, graceMs)).toISOString();
  const statusLine =
    status === 'finalized'
      ? `<span class="status finalized">Finalized</span> ${text(moment(record!.finalizedAt!))}`
      : `<span class="status draft">Draft</span> charges may still land until ${text(moment(graceEnd))}`;
  const title = `Invoice ${month} · ${business.name}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${text(title)}</title><style>${STYLE}</style></head>
<body>
<h1>Invoice ${text(month)}</h1>
<div class="meta">
  <span>Billed to</span><span>${text(business.name)} (+${text(business.phoneNumber)})</span>
  <span>Business</span><span>${text(business.id)}</span>
  <span>Period</span><span>${day(monthStart(month))} to ${day(monthStart(nextMonth(month)) - 1)} (UTC, by delivery time)</span>
  <span>Status</span><span>${statusLine}</span>
  <span>Currency</span><span>USD</span>
</div>
<h2>Delivered messages</h2>
${lines.length > 0 ? table(lines, false) : '<p>No billable deliveries this month.</p>'}
${adjustments.length > 0 ? `<h2>Adjustments: late charges for earlier months</h2>\n${table(adjustments, true)}` : ''}
<h2>Total</h2>
<table><tfoot>
  <tr><td>Exact total</td><td class="n">${count(invoice.totalMicros)} micro-USD</td><td class="n">${usd(invoice.totalMicros)}</td></tr>
  <tr><td>Payable</td><td class="n"></td><td class="n">${dollars(invoice.totalCents)}</td></tr>
</tfoot></table>
<p class="note">Amounts are exact sums of per-message charges in micro-dollars. The payable total is the exact total rounded
half-up to whole cents, once. Line amounts in cents are allocated by largest remainder: each line gets its whole cents,
and the cents still missing go to the lines with the largest fractions, so they add up to the payable total.
Adjustments bill charges for deliveries of an earlier month that were recorded after that month's invoice closed.</p>
</body></html>
`;
}
