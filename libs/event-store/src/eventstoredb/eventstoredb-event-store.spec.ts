import { eventStoreContract } from '../contract/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/**
 * The contract against a real EventStoreDB, e.g. `EVENTSTORE_URL='esdb://127.0.0.1:2113?tls=false' npx jest eventstoredb`
 * (`npm run infra:up` starts one where Docker is available). No EventStoreDB can run on the project's build
 * machines, so without EVENTSTORE_URL this suite is skipped, also under REQUIRE_INFRA=1. The adapter's logic runs
 * in every build against an in-memory stand-in of the client: eventstoredb-event-store.fake.spec.ts.
 */
const url = process.env.EVENTSTORE_URL;

if (url) {
  eventStoreContract('EventStoreDB', () => EventStoreDbEventStore.open({ connectionString: url }));
} else {
  describe.skip('EventStore contract: EventStoreDB (set EVENTSTORE_URL, e.g. esdb://127.0.0.1:2113?tls=false, to run it against a server)', () => {
    it('needs a running EventStoreDB', () => undefined);
  });
}
