import { decryptIdNumber, encryptIdNumber, hashIdNumber, type IdKeyringInput } from '@exam/auth';
import { normalizeIdNumber } from '@exam/domain';
import type { RosterIdReader, RosterIdWriter } from './roster-import.service.js';

/** Compares ID numbers by decrypting the stored ones (the review service holds the keyring, not the hash key). */
export function rosterIdReader(keyring: IdKeyringInput): RosterIdReader {
  return {
    sameIdNumber(candidateId, enc, plain) {
      try {
        return decryptIdNumber(keyring, candidateId, enc) === normalizeIdNumber(plain);
      } catch {
        return false; // not readable with this keyring: treated as different, so the row is re-encrypted
      }
    },
  };
}

/** Encrypts (bound to the candidate id) and hashes ID numbers: what the import job writes. */
export function rosterIdWriter(keyring: IdKeyringInput, hashKey: string): RosterIdWriter {
  return {
    ...rosterIdReader(keyring),
    encrypt: (candidateId, plain) => new Uint8Array(encryptIdNumber(keyring, candidateId, plain)),
    hash: (plain) => hashIdNumber(hashKey, plain),
  };
}
