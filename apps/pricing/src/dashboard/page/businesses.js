import { count, usd } from './money.js';
import { fillRows } from './table.js';

/** The top businesses by revenue; a business the read model has not named yet shows its id. */
export function showBusinesses(report) {
  fillRows(
    document.getElementById('top-businesses-table'),
    report.data.map((b, i) => [String(i + 1), b.name ?? b.business_id, b.phone_number ?? '', count(b.messages), usd(b.amount_micros)]),
    { numeric: [0, 3, 4], empty: 'No revenue in this period.' },
  );
}
