/**
 * Commit positions this process has seen on real events of $all (reads and append results): the positions a
 * read may safely start from. A read of $all must start on a log record boundary; an arbitrary number (the port
 * allows `readAll({ after: p - 1 })`) may point into the middle of a record. Bounded: the oldest are forgotten.
 */
export class KnownPositions {
  private readonly positions = new Set<number>();

  constructor(private readonly capacity = 4096) {}

  add(position: number): void {
    if (this.positions.has(position)) return;
    this.positions.add(position);
    if (this.positions.size > this.capacity) {
      // Sets iterate in insertion order: drop the earliest added.
      const oldest = this.positions.values().next().value as number;
      this.positions.delete(oldest);
    }
  }

  has(position: number): boolean {
    return this.positions.has(position);
  }

  /** The greatest known position ≤ `position`, or undefined. */
  floor(position: number): number | undefined {
    let best: number | undefined;
    for (const p of this.positions) if (p <= position && (best === undefined || p > best)) best = p;
    return best;
  }

  /** The smallest known position > `position`, or undefined. */
  above(position: number): number | undefined {
    let best: number | undefined;
    for (const p of this.positions) if (p > position && (best === undefined || p < best)) best = p;
    return best;
  }
}
