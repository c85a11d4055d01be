/** The period form shows inclusive UTC dates; the API takes [from, to) as ISO times. */
const DAY_MS = 24 * 60 * 60 * 1000;

const midnight = (date) => Date.parse(`${date}T00:00:00.000Z`);

/** The query for the dates entered (none entered: the platform's default, the last 30 days). */
export function periodQuery(fromInput, toInput) {
  return {
    from: fromInput.value ? new Date(midnight(fromInput.value)).toISOString() : undefined,
    to: toInput.value ? new Date(midnight(toInput.value) + DAY_MS).toISOString() : undefined,
  };
}

/** Puts the period the platform answered for back into the form. */
export function showPeriod(fromInput, toInput, period) {
  fromInput.value = period.from.slice(0, 10);
  toInput.value = new Date(Date.parse(period.to) - 1).toISOString().slice(0, 10);
}

/** "2026-03-01 to 2026-03-30" */
export const periodText = (period) => `${period.from.slice(0, 10)} to ${new Date(Date.parse(period.to) - 1).toISOString().slice(0, 10)}`;
