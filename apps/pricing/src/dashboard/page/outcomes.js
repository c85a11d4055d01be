import { barChart } from './charts.js';
import { count } from './money.js';
import { fillRows } from './table.js';

/** The lifecycle's statuses as an operator reads them, with a colour each (failures stand out). */
const STATUSES = [
  ['delivered', 'Delivered (not read yet)', '#009e73'],
  ['read', 'Read', '#0072b2'],
  ['failed', 'Failed', '#d55e00'],
  ['sent', 'Sent (not delivered yet)', '#56b4e9'],
  ['accepted', 'Accepted (not sent yet)', '#999999'],
  ['pending', 'Pending (not decided yet)', '#e69f00'],
];

const $ = (id) => document.getElementById(id);

export function showOutcomes(report) {
  const counts = STATUSES.map(([status]) => report.statuses[status] ?? 0);
  barChart($('outcomes-chart'), {
    labels: STATUSES.map(([, label]) => label),
    datasets: [{ label: 'Messages', data: counts, backgroundColor: STATUSES.map(([, , hue]) => hue) }],
    horizontal: true,
    summary: `${count(report.messages)} messages: ${STATUSES.map(([, label], i) => `${label} ${count(counts[i])}`).join(', ')}.`,
  });
  fillRows(
    $('outcomes-table'),
    STATUSES.map(([, label], i) => [label, count(counts[i])]),
    { numeric: [1] },
  );
  fillRows(
    $('failures-table'),
    report.failures.map((f) => [String(f.code ?? 'none'), f.title ?? '', count(f.messages)]),
    { numeric: [2], empty: 'No failed messages in this period.' },
  );
}
