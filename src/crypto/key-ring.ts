// The master keys that wrap per-row data keys. Several keys may be configured at once so rotation can happen
// without downtime: new data keys are wrapped with the current key, and any configured key can still unwrap.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import type { Config } from '../config.js';
import { KeyRingError, UnknownKeyError } from './errors.js';

export const MASTER_KEY_BYTES = 32;

/** Key ids appear inside wrapped values (`hk1.<id>. ...`), so they must not contain the `.` separator. Same rule as
 *  TOKEN_KEYS parsing in src/config.ts. */
const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

// The offending id is not echoed: a mis-ordered entry could put key material where the id belongs.
const invalidIdMessage = 'invalid key id: use 1-32 characters of A-Z, a-z, 0-9, _ or -';

export function isValidKeyId(id: string): boolean {
  return keyIdPattern.test(id);
}

export interface MasterKey {
  id: string;
  key: Buffer;
}

export class KeyRing {
  readonly #keys: Map<string, Buffer>;
  readonly #currentId: string;

  /** `currentId` defaults to the first entry, so `TOKEN_KEYS=new:...,old:...` is all a rotation needs. */
  constructor(keys: Map<string, Buffer>, currentId?: string) {
    if (keys.size === 0) throw new KeyRingError('key ring is empty: configure at least one key in TOKEN_KEYS');
    this.#keys = new Map();
    for (const [id, key] of keys) {
      if (!isValidKeyId(id)) {
        throw new KeyRingError(invalidIdMessage);
      }
      if (key.length !== MASTER_KEY_BYTES) {
        throw new KeyRingError(`key "${id}" must be exactly ${MASTER_KEY_BYTES} bytes (got ${key.length})`);
      }
      // A private copy: the caller's buffer may be reused or zeroed after construction.
      this.#keys.set(id, Buffer.from(key));
    }
    const chosen = currentId ?? keys.keys().next().value;
    if (chosen === undefined || !this.#keys.has(chosen)) {
      throw new KeyRingError(`current key "${currentId}" is not in the key ring`);
    }
    this.#currentId = chosen;
  }

  /** The ring configured by TOKEN_KEYS / TOKEN_KEY_CURRENT. */
  static fromConfig(config: Pick<Config, 'TOKEN_KEYS' | 'TOKEN_KEY_CURRENT'>): KeyRing {
    if (!config.TOKEN_KEYS || config.TOKEN_KEYS.size === 0) {
      throw new KeyRingError(
        'TOKEN_KEYS is not set: token encryption needs at least one master key, formatted id:base64 of 32 bytes ' +
          `(e.g. TOKEN_KEYS=v1:<key>; create a key with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64'))")`,
      );
    }
    return new KeyRing(config.TOKEN_KEYS, config.TOKEN_KEY_CURRENT);
  }

  /** The key new data keys are wrapped with. */
  current(): MasterKey {
    // The constructor guarantees the current id is present.
    return { id: this.#currentId, key: this.#keys.get(this.#currentId)! };
  }

  get currentId(): string {
    return this.#currentId;
  }

  /** A key by id, for unwrapping. Throws UnknownKeyError naming only the id. */
  get(id: string): Buffer {
    const key = this.#keys.get(id);
    if (!key) throw new UnknownKeyError(id);
    return key;
  }

  has(id: string): boolean {
    return this.#keys.has(id);
  }

  /** Configured key ids, in configuration order. */
  ids(): string[] {
    return [...this.#keys.keys()];
  }

  // A ring that ends up in a log line or console.log shows its ids only, never key bytes.
  toJSON(): { current: string; ids: string[] } {
    return { current: this.#currentId, ids: this.ids() };
  }

  [inspect.custom](): string {
    return `KeyRing { current: '${this.#currentId}', ids: [${this.ids().map((id) => `'${id}'`).join(', ')}] }`;
  }
}

/** A fresh TOKEN_KEYS entry, `id:base64` of 32 random bytes (the dev script uses it to create a local key). */
export function generateKeyRingEntry(id: string): string {
  if (!isValidKeyId(id)) throw new KeyRingError(invalidIdMessage);
  return `${id}:${randomBytes(MASTER_KEY_BYTES).toString('base64')}`;
}
