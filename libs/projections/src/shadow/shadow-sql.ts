/** What a shadow table or index is called: the live name and this suffix, in the same schema. */
export const SHADOW_SUFFIX = '__shadow';

export const shadowName = (name: string) => `${name}${SHADOW_SUFFIX}`;
export const liveName = (name: string) => (name.endsWith(SHADOW_SUFFIX) ? name.slice(0, -SHADOW_SUFFIX.length) : name);

/** Keywords after which a name is a table (`CREATE INDEX … ON t`, `REFERENCES t`, `IF NOT EXISTS t`). */
const BEFORE_TABLE = new Set(['from', 'into', 'update', 'join', 'table', 'exists', 'on', 'references']);

/**
 * The same statement aimed at the shadow tables: every reference to one of `tables` as a table
 * (after FROM, INTO, UPDATE, JOIN, TABLE, ON, REFERENCES, IF [NOT] EXISTS, or as the qualifier
 * of `t.column`) and every index name (after INDEX) gets the shadow suffix. A column that happens
 * to share a table's name (`invoice_lines.messages`) is left alone, and so is anything inside
 * string literals and quoted identifiers. Projections write portable SQL with plain names, so
 * this is enough to replay their own statements, unchanged, into shadow tables.
 */
export function toShadowSql(sql: string, tables: readonly string[]): string {
  const names = new Set(tables.map((t) => t.toLowerCase()));
  let out = '';
  let previous = ''; // the last word seen, lower case ('' after punctuation other than spaces)
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = closing(sql, i, c);
      out += sql.slice(i, end);
      i = end;
      previous = '';
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j])) j++;
      const word = sql.slice(i, j);
      const lower = word.toLowerCase();
      const qualifier = sql[j] === '.';
      const isIndexName = (previous === 'index' && lower !== 'if') || (previous === 'exists' && indexBefore(out));
      const isTable = names.has(lower) && (qualifier || BEFORE_TABLE.has(previous));
      out += isIndexName || isTable ? shadowName(word) : word;
      previous = lower;
      i = j;
    } else {
      out += c;
      if (!/\s/.test(c)) previous = '';
      i++;
    }
  }
  return out;
}

/** Whether the words just written end with `INDEX IF [NOT] EXISTS` (so the next word names an index). */
const indexBefore = (written: string) => /\bindex\s+if\s+(not\s+)?exists\s*$/i.test(written);

/** The index just past the literal or quoted identifier opening at `start` (a doubled quote escapes it). */
function closing(sql: string, start: number, quote: string): number {
  let j = start + 1;
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}
