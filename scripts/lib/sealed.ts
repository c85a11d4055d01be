import nacl from 'tweetnacl';

/** NaCl box as a real client does it: content sealed for the recipient's public key, base64 on the wire. */
export interface KeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

export const newKeyPair = (): KeyPair => nacl.box.keyPair();
export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export function seal(plaintext: string, recipientPublicKey: Uint8Array, sender: KeyPair) {
  const nonce = nacl.randomBytes(nacl.box.nonceLength);
  const ciphertext = nacl.box(new TextEncoder().encode(plaintext), nonce, recipientPublicKey, sender.secretKey);
  return { ciphertext: b64(ciphertext), nonce: b64(nonce) };
}

export function open(sealed: { ciphertext: string; nonce: string }, senderPublicKey: Uint8Array, recipient: KeyPair): string | null {
  const plain = nacl.box.open(Buffer.from(sealed.ciphertext, 'base64'), Buffer.from(sealed.nonce, 'base64'), senderPublicKey, recipient.secretKey);
  return plain && new TextDecoder().decode(plain);
}
