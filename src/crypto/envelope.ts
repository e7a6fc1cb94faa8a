// Envelope encryption for OAuth secrets at rest. Each row gets its own random data key; the data key is stored
// next to the row, wrapped (AES-256-GCM) by a master key from the key ring. Rotating master keys therefore only
// re-wraps one short value per row, and the field ciphertexts never need rewriting.
//
// Every ciphertext is bound to where it lives through GCM's additional authenticated data: a wrapped key to its
// table and row, a field to its table, row and column. Copying a ciphertext to another row or column (say, one
// user's token onto another user's account) makes it fail to decrypt instead of silently working.
//
// Formats (base64url segments, no padding):
//   wrapped data key  hk1.<keyId>.<iv>.<ciphertext>.<tag>
//   encrypted field   hf1.<iv>.<ciphertext>.<tag>
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptionError, UnknownKeyError, type FailureLocation } from './errors.js';
import { isValidKeyId, type KeyRing } from './key-ring.js';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;
const WRAPPED_KEY_VERSION = 'hk1';
const FIELD_VERSION = 'hf1';

/** Identifies the row a secret belongs to; part of every ciphertext's authenticated data. */
export interface RowRef {
  table: string;
  id: string;
}

export interface DataKey {
  /** What goes in the row's `data_key` column. */
  wrapped: string;
  /** The plaintext data key, for encryptField/decryptField. Keep it in memory only. */
  key: Buffer;
}

/** The prefix every data key wrapped by master key `keyId` starts with (rotation selects on it). */
export function wrappedKeyPrefix(keyId: string): string {
  return `${WRAPPED_KEY_VERSION}.${keyId}.`;
}

// Components are joined with ':', so none may contain it, or two different locations could share an AAD.
function aadPart(value: string, what: string): string {
  if (value.length === 0 || value.includes(':')) throw new TypeError(`${what} must be non-empty and contain no ':'`);
  return value;
}

function dataKeyAad(ref: RowRef): Buffer {
  return Buffer.from(`herald:data-key:${aadPart(ref.table, 'table')}:${aadPart(ref.id, 'row id')}`, 'utf8');
}

function fieldAad(ref: RowRef, column: string): Buffer {
  return Buffer.from(
    `herald:field:${aadPart(ref.table, 'table')}:${aadPart(ref.id, 'row id')}:${aadPart(column, 'column')}`,
    'utf8',
  );
}

const b64url = /^[A-Za-z0-9_-]*$/;

/** Strict base64url: rejects stray characters and non-canonical trailing bits, which Buffer.from would accept. */
function decodeSegment(segment: string, where: FailureLocation): Buffer {
  const bytes = Buffer.from(segment, 'base64url');
  if (!b64url.test(segment) || bytes.toString('base64url') !== segment) {
    throw new DecryptionError('malformed', where, 'invalid base64url segment');
  }
  return bytes;
}

interface Sealed {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function seal(key: Buffer, aad: Buffer, plaintext: Buffer): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

function open(key: Buffer, aad: Buffer, sealed: Sealed, where: FailureLocation): Buffer {
  // authTagLength pins the tag to 16 bytes; without it Node accepts truncated tags, which weakens authentication.
  const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.tag);
  try {
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    throw new DecryptionError('authentication-failed', where);
  }
}

function parseSealed(segments: string[], where: FailureLocation): Sealed {
  const [ivText, ciphertextText, tagText] = segments;
  if (ivText === undefined || ciphertextText === undefined || tagText === undefined) {
    throw new DecryptionError('malformed', where, 'wrong number of segments');
  }
  const iv = decodeSegment(ivText, where);
  const ciphertext = decodeSegment(ciphertextText, where);
  const tag = decodeSegment(tagText, where);
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new DecryptionError('malformed', where, 'wrong iv or tag length');
  }
  return { iv, ciphertext, tag };
}

function formatSealed(sealed: Sealed): string {
  return [sealed.iv, sealed.ciphertext, sealed.tag].map((b) => b.toString('base64url')).join('.');
}

function assertDataKey(dataKey: Buffer): void {
  if (dataKey.length !== DATA_KEY_BYTES) throw new RangeError(`data key must be ${DATA_KEY_BYTES} bytes`);
}

export class TokenCrypto {
  readonly #ring: KeyRing;

  constructor(ring: KeyRing) {
    this.#ring = ring;
  }

  /** Id of the master key new data keys are wrapped with. */
  get currentKeyId(): string {
    return this.#ring.currentId;
  }

  /** A fresh random data key for one row, wrapped by the current master key. */
  createDataKey(ref: RowRef): DataKey {
    const key = randomBytes(DATA_KEY_BYTES);
    return { wrapped: this.wrapDataKey(key, ref), key };
  }

  /** Unwraps a row's data key. Throws DecryptionError (UnknownKeyError when its master key is not configured). */
  openDataKey(wrapped: string, ref: RowRef): Buffer {
    const where: FailureLocation = { table: ref.table, rowId: ref.id, column: 'data_key' };
    const segments = wrapped.split('.');
    const [version, keyId, ...rest] = segments;
    // The key id is validated before it can appear in an error message.
    if (version !== WRAPPED_KEY_VERSION || keyId === undefined || !isValidKeyId(keyId) || segments.length !== 5) {
      throw new DecryptionError('malformed', where, 'not a wrapped data key');
    }
    const sealed = parseSealed(rest, where);
    if (sealed.ciphertext.length !== DATA_KEY_BYTES) {
      throw new DecryptionError('malformed', where, 'wrong data key length');
    }
    if (!this.#ring.has(keyId)) throw new UnknownKeyError(keyId, where);
    return open(this.#ring.get(keyId), dataKeyAad(ref), sealed, where);
  }

  encryptField(dataKey: Buffer, ref: RowRef, column: string, plaintext: string): string {
    assertDataKey(dataKey);
    const sealed = seal(dataKey, fieldAad(ref, column), Buffer.from(plaintext, 'utf8'));
    return `${FIELD_VERSION}.${formatSealed(sealed)}`;
  }

  decryptField(dataKey: Buffer, ref: RowRef, column: string, ciphertext: string): string {
    assertDataKey(dataKey);
    const where: FailureLocation = { table: ref.table, rowId: ref.id, column };
    const segments = ciphertext.split('.');
    const [version, ...rest] = segments;
    if (version !== FIELD_VERSION || segments.length !== 4) {
      throw new DecryptionError('malformed', where, 'not an encrypted field');
    }
    return open(dataKey, fieldAad(ref, column), parseSealed(rest, where), where).toString('utf8');
  }

  /** The same data key, wrapped by the current master key. Field ciphertexts stay valid unchanged. */
  rewrap(wrapped: string, ref: RowRef): string {
    const key = this.openDataKey(wrapped, ref);
    try {
      return this.wrapDataKey(key, ref);
    } finally {
      key.fill(0);
    }
  }

  isWrappedWithCurrent(wrapped: string): boolean {
    return wrapped.startsWith(wrappedKeyPrefix(this.#ring.currentId));
  }

  /** Wraps an (already opened) data key for `ref` with the current master key. */
  wrapDataKey(dataKey: Buffer, ref: RowRef): string {
    assertDataKey(dataKey);
    const master = this.#ring.current();
    const sealed = seal(master.key, dataKeyAad(ref), dataKey);
    return `${wrappedKeyPrefix(master.id)}${formatSealed(sealed)}`;
  }

  // The ring holds master keys; keep them out of logs if a TokenCrypto is ever logged.
  toJSON(): { currentKeyId: string } {
    return { currentKeyId: this.#ring.currentId };
  }
}
