/** A customer's device on the network: its public key, and the hash of the token it signs in with. */
export type CustomerEvent = {
  type: 'CustomerDeviceRegistered';
  data: { waId: string; publicKey: string; deviceTokenHash: string; at: string };
};

export interface CustomerDevice {
  waId: string;
  publicKey: string;
  deviceTokenHash: string;
}

/** Re-registering replaces the key and rotates the token: only the latest registration counts. */
export const foldCustomer = (events: readonly CustomerEvent[]): CustomerDevice | undefined => {
  const last = events.at(-1);
  return last && { waId: last.data.waId, publicKey: last.data.publicKey, deviceTokenHash: last.data.deviceTokenHash };
};
