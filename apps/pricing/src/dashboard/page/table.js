/**
 * Replaces a table's rows. Cells are set as text, never parsed as HTML (business names come from
 * businesses); the first cell of a row is its header; `numeric` columns are right-aligned.
 */
export function fillRows(table, rows, { numeric = [], empty = 'Nothing in this period.' } = {}) {
  const body = table.tBodies[0];
  if (rows.length === 0) {
    const cell = document.createElement('td');
    cell.colSpan = table.tHead.rows[0].cells.length;
    cell.textContent = empty;
    const row = document.createElement('tr');
    row.append(cell);
    body.replaceChildren(row);
    return;
  }
  body.replaceChildren(
    ...rows.map((cells) => {
      const row = document.createElement('tr');
      cells.forEach((text, i) => {
        const cell = document.createElement(i === 0 ? 'th' : 'td');
        if (i === 0) cell.scope = 'row';
        if (numeric.includes(i)) cell.className = 'num';
        cell.textContent = text;
        row.append(cell);
      });
      return row;
    }),
  );
}
