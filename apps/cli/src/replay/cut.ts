import type { RecordedEvent } from '@ventana/event-store';

/** What a cut adds to an earlier one in one partition of the Kafka topic. */
export interface PartitionStretch {
  /** The earlier cut's end (offset). */
  from: number;
  /** This cut's end (offset). */
  to: number;
  /** The last position this cut includes there. */
  through: number;
}

/**
 * Which events of the log a projection has applied: everything up to one position (a projector
 * following the store's log), or per Kafka partition everything up to that partition's last
 * position (a projector in a consumer group; partitions are read side by side). A rebuild that
 * applies exactly the events of the live projector's cut holds exactly its rows. A Kafka cut also
 * knows where it ends in each partition (the next offset), where a replay from the topic stops;
 * which events it includes is told by position alike, whichever source they are read from.
 */
export class Cut {
  private constructor(
    /** Partition → last position applied; one pseudo-partition 0 for a position cut. */
    private readonly last: ReadonlyMap<number, number>,
    private readonly partitionOf?: (event: RecordedEvent) => number,
    /** On Kafka, partition → the offset the cut ends before (the projector's next offset): where a replay from the topic stops. */
    private readonly ends: ReadonlyMap<number, number> = new Map(),
  ) {}

  static readonly none = new Cut(new Map());

  static atPosition(position: number, ends?: ReadonlyMap<number, number>): Cut {
    return new Cut(new Map([[0, position]]), undefined, ends);
  }

  static perPartition(last: ReadonlyMap<number, number>, partitionOf: (event: RecordedEvent) => number, ends?: ReadonlyMap<number, number>): Cut {
    return new Cut(last, partitionOf, ends);
  }

  includes(event: RecordedEvent): boolean {
    return event.position <= this.positionIn(this.partitionOf?.(event) ?? 0);
  }

  /** The last position included in `partition`. */
  positionIn(partition: number): number {
    return this.last.get(this.partitionOf ? partition : 0) ?? 0;
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

  /**
   * Per partition of the topic, what this cut has and `earlier` lacks. Its end may lie before its
   * position (a rebuild to the head moved the position, and the projector has not read past it yet).
   */
  beyondOnTopic(earlier: Cut): Map<number, PartitionStretch> {
    const stretches = new Map<number, PartitionStretch>();
    for (const [partition, to] of this.ends) {
      const from = earlier.ends.get(partition) ?? 0;
      const through = this.positionIn(partition);
      if (to > from || through > earlier.positionIn(partition)) stretches.set(partition, { from, to, through });
    }
    return stretches;
  }
}
