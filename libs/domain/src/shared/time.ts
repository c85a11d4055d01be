export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Domain events carry ISO-8601 UTC instants; rules compute on epoch milliseconds. */
export const ms = (iso: string): number => Date.parse(iso);
export const iso = (epochMs: number): string => new Date(epochMs).toISOString();
