import { barChart, colour } from './charts.js';
import { count, usd } from './money.js';
import { fillRows } from './table.js';

const $ = (id) => document.getElementById(id);

/** Total, revenue per day stacked by market, and revenue per market (charts with their tables). */
export function showRevenue(report) {
  $('revenue-total').textContent = usd(report.total_micros);
  $('revenue-messages').textContent = count(report.messages);
  const markets = report.markets.map((m) => m.market);

  barChart($('revenue-by-day-chart'), {
    labels: report.days.map((d) => d.day.slice(5)),
    datasets: markets.map((market, i) => ({
      label: market,
      data: report.days.map((d) => d.markets[market] ?? 0),
      backgroundColor: colour(i),
    })),
    stacked: true,
    money: true,
    summary: `Revenue per day from ${report.days[0]?.day} to ${report.days.at(-1)?.day}: ${usd(report.total_micros)} in total.`,
  });
  fillRows(
    $('revenue-by-day-table'),
    report.days.map((d) => [d.day, count(d.messages), usd(d.amount_micros)]),
    { numeric: [1, 2] },
  );

  barChart($('revenue-by-market-chart'), {
    labels: markets,
    datasets: [{ label: 'Revenue', data: report.markets.map((m) => m.amount_micros), backgroundColor: markets.map((_, i) => colour(i)) }],
    horizontal: true,
    money: true,
    summary: report.markets.length
      ? `Revenue per market: ${report.markets.map((m) => `${m.market} ${usd(m.amount_micros)}`).join(', ')}.`
      : 'No revenue in this period.',
  });
  fillRows(
    $('revenue-by-market-table'),
    report.markets.map((m) => [m.market, count(m.messages), usd(m.amount_micros)]),
    { numeric: [1, 2], empty: 'No revenue in this period.' },
  );
}
