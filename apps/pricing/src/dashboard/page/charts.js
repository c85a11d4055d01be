import { count, usd } from './money.js';

/** Distinct, colour-blind-friendlier hues (Okabe–Ito first), assigned by position. */
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000', '#999999'];
export const colour = (i) => PALETTE[i % PALETTE.length];

const drawn = new Map();

/**
 * Draws a bar chart on `canvas`, or redraws the one already there with new data. `summary` becomes
 * the canvas's accessible name; every chart also has a table with the same figures.
 */
export function barChart(canvas, { labels, datasets, summary, money = false, stacked = false, horizontal = false }) {
  canvas.setAttribute('aria-label', summary);
  const existing = drawn.get(canvas);
  if (existing) {
    existing.data.labels = labels;
    existing.data.datasets = datasets;
    // Another period may have another number of markets.
    existing.options.plugins.legend.display = datasets.length > 1;
    existing.update();
    return;
  }
  const format = money ? usd : count;
  const value = horizontal ? 'x' : 'y';
  const category = horizontal ? 'y' : 'x';
  const chart = new globalThis.Chart(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      indexAxis: category,
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        [value]: { beginAtZero: true, stacked, ticks: { precision: 0, callback: (tick) => format(tick) } },
        [category]: { stacked },
      },
      plugins: {
        legend: { display: datasets.length > 1 },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(item.parsed[value])}` } },
      },
    },
  });
  drawn.set(canvas, chart);
}
