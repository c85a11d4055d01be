import { count } from './money.js';
import { fillRows } from './table.js';

/** How far the read models (which every figure above comes from) are behind the event log. */
export function showLag(lag) {
  const summary = document.getElementById('lag-summary');
  const figure = document.createElement('strong');
  if (lag.behind_events === null) {
    summary.replaceChildren('The read models\u2019 progress is not visible from this process.');
  } else if (lag.behind_events === 0) {
    figure.textContent = '0 events';
    summary.replaceChildren('Up to date: ', figure, ` behind the log (head position ${count(lag.head_position)}).`);
  } else {
    figure.textContent = `${count(lag.behind_events)} events`;
    summary.replaceChildren('Up to ', figure, ` behind the log (head position ${count(lag.head_position)}): the figures above may lag by as much.`);
  }
  fillRows(
    document.getElementById('lag-table'),
    lag.projections.map((p) => [p.projection, p.behind_events === null ? 'unknown' : count(p.behind_events)]),
    { numeric: [1] },
  );
}
