import type { RecordedEvent } from '@ventana/event-store';

/**
 * Which events of the log a projection has applied: everything up to one position (a projector
 * following the store's log), or per Kafka partition everything up to that partition's last
 * position (a projector in a consumer group; partitions are read side by side). A rebuild that
 * applies exactly the events of the live projector's cut holds exactly its rows.
 */
export class Cut {
  private constructor(
    /** Partition → last position applied; one pseudo-partition 0 for a position cut. */
    private readonly last: ReadonlyMap<number, number>,
    private readonly partitionOf?: (event: RecordedEvent) => number,
  ) {}

  static readonly none = new Cut(new Map());

  static atPosition(position: number): Cut {
    return new Cut(new Map([[0, position]]));
  }

  static perPartition(last: ReadonlyMap<number, number>, partitionOf: (event: RecordedEvent) => number): Cut {
    return new Cut(last, partitionOf);
  }

  includes(event: RecordedEvent): boolean {
    return event.position <= (this.last.get(this.partitionOf ? this.partitionOf(event) : 0) ?? 0);
  }

  /** The highest position included anywhere. */
  get highest(): number {
    return Math.max(0, ...this.last.values());
  }

  /** The stretch of the log holding every event this cut has and `earlier` lacks: (after, through]. */
  beyond(earlier: Cut): { after: number; through: number } {
    let after = Infinity;
    let through = 0;
    for (const [partition, position] of this.last) {
      const before = earlier.last.get(partition) ?? 0;
      if (position > before) {
        after = Math.min(after, before);
        through = Math.max(through, position);
      }
    }
    return after === Infinity ? { after: 0, through: 0 } : { after, through };
  }
}
