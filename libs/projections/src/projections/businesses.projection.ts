import type { Projection } from '../projection';

/** Who each business is, for reports that name them (the operator's dashboard); no keys or secrets. */
export interface BusinessRow {
  id: string;
  name: string;
  phone_number: string;
  registered_at: string;
}

interface Registered {
  businessId: string;
  name: string;
  phoneNumber: string;
  at: string;
}

export const businessesProjection: Projection = {
  name: 'businesses',
  eventTypes: ['BusinessRegistered'],
  migrations: [
    {
      version: 1,
      statements: [
        `CREATE TABLE IF NOT EXISTS businesses (
           id TEXT PRIMARY KEY, name TEXT NOT NULL, phone_number TEXT NOT NULL, registered_at TEXT NOT NULL)`,
      ],
    },
  ],
  tables: ['businesses'],
  async apply(tx, event) {
    const b = event.data as Registered;
    // A number registers once (its id is derived from it): a second event for it changes nothing.
    await tx.run(`INSERT INTO businesses (id, name, phone_number, registered_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`, [
      b.businessId,
      b.name,
      b.phoneNumber,
      b.at,
    ]);
  },
};
