import type { EventStore } from '@ventana/event-store';
import { logPages } from '../log/log-pages';
import { Cut } from './cut';
import type { EventSource } from './event-source';

/** With more types than this, one unfiltered read of the log beats the store's per-type merge. */
const TYPE_FILTER_LIMIT = 2;

/** The store's global log, read once, in position order, over the union of the stretches. */
export function storeLog(store: EventStore, pageSize = 10_000): EventSource {
  return {
    describe: "the event store's log",
    head: async () => Cut.atPosition(await store.headPosition()),
    async read(stretches, { types, label }, onPage) {
      let after = Infinity;
      let through = 0;
      for (const { from, to } of stretches) {
        const range = to.beyond(from);
        if (range.through === 0) continue;
        after = Math.min(after, range.after);
        through = Math.max(through, range.through);
      }
      if (through === 0) return;
      const range = { after, through, pageSize, label, types: types.length <= TYPE_FILTER_LIMIT ? types : undefined };
      for await (const page of logPages(store, range)) await onPage(page);
    },
    close: async () => undefined,
  };
}
