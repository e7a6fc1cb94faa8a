// Errors of the token-encryption layer. Messages name only what is safe to log — table, column, row id, key id and
// a reason — never key bytes, plaintext or ciphertext, because these errors travel into logs and API error bodies.

/** Why a value could not be opened. `authentication-failed` covers tampering, a ciphertext moved to another
 *  row/column, and a master key whose id matches but whose bytes differ: AES-GCM cannot tell these apart. */
export type DecryptionFailure = 'authentication-failed' | 'unknown-key' | 'malformed' | 'missing';

/** Where a failed value lives. Every field is optional because the key ring fails before it knows the row. */
export interface FailureLocation {
  table?: string;
  rowId?: string;
  column?: string;
}

const reasonText: Record<DecryptionFailure, string> = {
  'authentication-failed': 'authentication failed (tampered, moved to another row or column, or wrong master key)',
  'unknown-key': 'wrapped by a master key that is not in the key ring',
  malformed: 'not a valid encrypted value',
  missing: 'no encrypted value stored',
};

function describe(location: FailureLocation): string {
  const where = [location.table, location.column].filter(Boolean).join('.');
  const row = location.rowId ? `row ${location.rowId}` : '';
  return [where, row].filter(Boolean).join(' of ');
}

/** Raised when a wrapped data key or an encrypted field cannot be opened. */
export class DecryptionError extends Error {
  override name = 'DecryptionError';
  readonly reason: DecryptionFailure;
  readonly table: string | undefined;
  readonly rowId: string | undefined;
  readonly column: string | undefined;

  constructor(reason: DecryptionFailure, location: FailureLocation = {}, detail?: string) {
    const where = describe(location);
    super(`cannot decrypt${where ? ` ${where}` : ''}: ${reasonText[reason]}${detail ? ` — ${detail}` : ''}`);
    this.reason = reason;
    this.table = location.table;
    this.rowId = location.rowId;
    this.column = location.column;
  }
}

/** A wrapped value names a master key id the ring does not hold — usually an old key removed before
 *  `npm run keys:rotate` re-wrapped every row. A DecryptionError so callers handle one type. */
export class UnknownKeyError extends DecryptionError {
  override name = 'UnknownKeyError';
  readonly keyId: string;

  constructor(keyId: string, location: FailureLocation = {}) {
    super('unknown-key', location, `key id "${keyId}" is not configured in TOKEN_KEYS`);
    this.keyId = keyId;
  }
}

/** The key ring itself is misconfigured (missing, wrong key length, bad id). Raised at start-up. */
export class KeyRingError extends Error {
  override name = 'KeyRingError';
}
