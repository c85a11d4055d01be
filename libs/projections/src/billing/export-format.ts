import { stringify } from 'csv-stringify';
import { Readable, pipeline } from 'node:stream';

/** How an export is written: CSV (a header row, RFC 4180 quoting) or NDJSON (one JSON object a line). */
export type ExportFormat = 'csv' | 'ndjson';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'ndjson'];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** Told the number of records read so far, as each one is read (a progress bar, a benchmark's samples). */
export type OnRecord = (records: number) => void;

async function* counted<R>(records: AsyncIterable<R>, onRecord: OnRecord): AsyncGenerator<R> {
  let n = 0;
  for await (const record of records) {
    onRecord(++n);
    yield record;
  }
}

/**
 * Encodes records as they come: a record is pulled from `records` only when the reader wants more
 * (the stream's backpressure), so an export of any size holds a page of rows at a time.
 * `columns` fixes the CSV header and column order; NDJSON objects keep the records' own keys.
 */
export function encodeRecords<R extends object>(
  records: AsyncIterable<R>,
  format: ExportFormat,
  columns: readonly (keyof R & string)[],
  onRecord?: OnRecord,
): Readable {
  const source = onRecord ? counted(records, onRecord) : records;
  if (format === 'ndjson') {
    return Readable.from(
      (async function* () {
        for await (const record of source) yield `${JSON.stringify(record)}\n`;
      })(),
    );
  }
  const csv = stringify({ header: true, columns: [...columns] });
  // pipeline: a failing read destroys the CSV stream with its error instead of leaving it open.
  return pipeline(Readable.from(source), csv, () => undefined);
}
