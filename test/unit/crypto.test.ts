import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { TokenCrypto, type RowRef } from '../../src/crypto/envelope.js';
import { DecryptionError, KeyRingError, UnknownKeyError } from '../../src/crypto/errors.js';
import { KeyRing, generateKeyRingEntry } from '../../src/crypto/key-ring.js';
import {
  openAccountTokens, openOAuthVerifier, sealAccountTokens, sealOAuthVerifier,
} from '../../src/crypto/secret-fields.js';

const v1 = randomBytes(32);
const v2 = randomBytes(32);
const ringV1 = new KeyRing(new Map([['v1', v1]]));
const ringV2 = new KeyRing(new Map([['v2', v2]]));
const ringV2V1 = new KeyRing(new Map([['v2', v2], ['v1', v1]]));
const cryptoV1 = new TokenCrypto(ringV1);

const row: RowRef = { table: 'social_accounts', id: '5b0a6a7e-1f51-4c1e-9f7e-2a3f1b1c0d01' };
const otherRow: RowRef = { table: 'social_accounts', id: '5b0a6a7e-1f51-4c1e-9f7e-2a3f1b1c0d02' };
const SECRET = 'EAAB-super-secret-access-token-value';

/** Decodes one base64url segment of a dotted value, flips its lowest bit, re-encodes. */
function flipBit(value: string, segment: number, byte = 0): string {
  const parts = value.split('.');
  const bytes = Buffer.from(parts[segment]!, 'base64url');
  bytes[byte] = bytes[byte]! ^ 0x01;
  parts[segment] = bytes.toString('base64url');
  return parts.join('.');
}

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('KeyRing', () => {
  test('current key is the first entry unless one is named', () => {
    expect(ringV2V1.current().id).toBe('v2');
    expect(ringV2V1.current().key.equals(v2)).toBe(true);
    expect(new KeyRing(new Map([['v2', v2], ['v1', v1]]), 'v1').current().id).toBe('v1');
    expect(ringV2V1.ids()).toEqual(['v2', 'v1']);
    expect(ringV2V1.get('v1').equals(v1)).toBe(true);
  });

  test('rejects bad configuration', () => {
    expect(() => new KeyRing(new Map())).toThrow(KeyRingError);
    expect(() => new KeyRing(new Map([['v1', randomBytes(16)]]))).toThrow(/exactly 32 bytes/);
    expect(() => new KeyRing(new Map([['v.1', v1]]))).toThrow(/invalid key id/);
    expect(() => new KeyRing(new Map([['v1', v1]]), 'v9')).toThrow(/not in the key ring/);
  });

  test('get() of an unknown id names only the id', () => {
    const err = caught(() => ringV1.get('v7'));
    expect(err).toBeInstanceOf(UnknownKeyError);
    expect((err as UnknownKeyError).keyId).toBe('v7');
    expect(err.message).toContain('"v7"');
    expect(err.message).not.toContain(v1.toString('base64'));
  });

  test('fromConfig reads TOKEN_KEYS / TOKEN_KEY_CURRENT and explains a missing TOKEN_KEYS', () => {
    const entryA = generateKeyRingEntry('a');
    const entryB = generateKeyRingEntry('b');
    const ring = KeyRing.fromConfig(loadConfig({ TOKEN_KEYS: `${entryA},${entryB}`, TOKEN_KEY_CURRENT: 'b' }));
    expect(ring.current().id).toBe('b');
    expect(ring.get('a').toString('base64')).toBe(entryA.slice(2));
    expect(() => KeyRing.fromConfig(loadConfig({}))).toThrow(/TOKEN_KEYS is not set/);
  });

  test('generateKeyRingEntry makes distinct 32-byte keys that config accepts', () => {
    const [id, key] = generateKeyRingEntry('k_1').split(':');
    expect(id).toBe('k_1');
    expect(Buffer.from(key!, 'base64')).toHaveLength(32);
    expect(generateKeyRingEntry('k')).not.toBe(generateKeyRingEntry('k'));
    expect(() => generateKeyRingEntry('bad.id')).toThrow(KeyRingError);
  });

  test('logging a ring shows ids, not key bytes', () => {
    const shown = JSON.stringify({ ring: ringV2V1 }) + inspect(ringV2V1) + inspect(new TokenCrypto(ringV2V1));
    expect(shown).toContain('v2');
    for (const key of [v1, v2]) {
      expect(shown).not.toContain(key.toString('base64'));
      expect(shown).not.toContain(key.toString('hex'));
    }
  });
});

describe('TokenCrypto round trip', () => {
  test('data key wraps and unwraps; fields encrypt and decrypt', () => {
    const { wrapped, key } = cryptoV1.createDataKey(row);
    expect(wrapped).toMatch(/^hk1\.v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}$/);
    expect(cryptoV1.openDataKey(wrapped, row).equals(key)).toBe(true);

    const ct = cryptoV1.encryptField(key, row, 'access_token', SECRET);
    expect(ct).toMatch(/^hf1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(ct).not.toContain(SECRET);
    expect(cryptoV1.decryptField(key, row, 'access_token', ct)).toBe(SECRET);
  });

  test('fresh data key and IV every time; unicode and empty strings survive', () => {
    const a = cryptoV1.createDataKey(row);
    const b = cryptoV1.createDataKey(row);
    expect(a.key.equals(b.key)).toBe(false);
    expect(cryptoV1.encryptField(a.key, row, 'c', 'x')).not.toBe(cryptoV1.encryptField(a.key, row, 'c', 'x'));
    for (const text of ['', 'ünïcødé ✓ 🔑', 'x'.repeat(5000)]) {
      expect(cryptoV1.decryptField(a.key, row, 'c', cryptoV1.encryptField(a.key, row, 'c', text))).toBe(text);
    }
  });
});

describe('TokenCrypto rejects tampering', () => {
  const { wrapped, key } = cryptoV1.createDataKey(row);
  const field = cryptoV1.encryptField(key, row, 'access_token', SECRET);

  test.each([
    ['iv', 2],
    ['ciphertext', 3],
    ['tag', 4],
  ])('flipped bit in the wrapped key %s', (_name, segment) => {
    const err = caught(() => cryptoV1.openDataKey(flipBit(wrapped, segment), row));
    expect(err).toBeInstanceOf(DecryptionError);
    expect((err as DecryptionError).reason).toBe('authentication-failed');
  });

  test.each([
    ['iv', 1],
    ['ciphertext', 2],
    ['tag', 3],
  ])('flipped bit in the field %s', (_name, segment) => {
    const err = caught(() => cryptoV1.decryptField(key, row, 'access_token', flipBit(field, segment)));
    expect(err).toBeInstanceOf(DecryptionError);
    expect((err as DecryptionError).reason).toBe('authentication-failed');
  });

  test('a changed key id is an unknown key, or a wrong key when that id exists', () => {
    const renamed = wrapped.replace(/^hk1\.v1\./, 'hk1.v2.');
    expect(caught(() => cryptoV1.openDataKey(renamed, row))).toBeInstanceOf(UnknownKeyError);
    const both = new TokenCrypto(new KeyRing(new Map([['v1', v1], ['v2', v2]])));
    expect((caught(() => both.openDataKey(renamed, row)) as DecryptionError).reason).toBe('authentication-failed');
  });

  test('a ring with the same key id but different bytes cannot open', () => {
    const impostor = new TokenCrypto(new KeyRing(new Map([['v1', randomBytes(32)]])));
    const err = caught(() => impostor.openDataKey(wrapped, row));
    expect(err).toBeInstanceOf(DecryptionError);
    expect((err as DecryptionError).reason).toBe('authentication-failed');
    // And a data key that is not the row's cannot decrypt its fields.
    const otherKey = cryptoV1.createDataKey(row).key;
    expect(() => cryptoV1.decryptField(otherKey, row, 'access_token', field)).toThrow(DecryptionError);
  });

  test('truncated tags and malformed values are rejected', () => {
    const parts = field.split('.');
    const shortTag = [...parts.slice(0, 3), Buffer.from(parts[3]!, 'base64url').subarray(0, 12).toString('base64url')];
    const cases = [
      shortTag.join('.'),
      parts.slice(0, 3).join('.'),
      `${field}.extra`,
      field.replace(/^hf1/, 'hf9'),
      `${parts[0]}.${parts[1]}.${parts[2]}!.${parts[3]}`,
      '',
      SECRET,
    ];
    for (const bad of cases) {
      const err = caught(() => cryptoV1.decryptField(key, row, 'access_token', bad));
      expect(err).toBeInstanceOf(DecryptionError);
      expect((err as DecryptionError).reason).toBe('malformed');
    }
    const badKeyId = wrapped.replace(/^hk1\.v1\./, `hk1.${SECRET}!.`);
    for (const bad of ['', 'hk1.v1', wrapped.replace(/^hk1/, 'hk2'), `${wrapped}.x`, SECRET, badKeyId]) {
      expect((caught(() => cryptoV1.openDataKey(bad, row)) as DecryptionError).reason).toBe('malformed');
    }
  });
});

describe('TokenCrypto binds ciphertexts to their place', () => {
  const { wrapped, key } = cryptoV1.createDataKey(row);
  const field = cryptoV1.encryptField(key, row, 'access_token', SECRET);

  test('a field moved to another row fails', () => {
    expect(() => cryptoV1.decryptField(key, otherRow, 'access_token', field)).toThrow(DecryptionError);
  });

  test('a field moved to another column fails', () => {
    expect(() => cryptoV1.decryptField(key, row, 'refresh_token', field)).toThrow(DecryptionError);
  });

  test('a field moved to another table fails', () => {
    expect(() => cryptoV1.decryptField(key, { table: 'oauth_states', id: row.id }, 'access_token', field)).toThrow(
      DecryptionError,
    );
  });

  test('a wrapped data key moved to another row fails', () => {
    const err = caught(() => cryptoV1.openDataKey(wrapped, otherRow));
    expect(err).toBeInstanceOf(DecryptionError);
    expect((err as DecryptionError).rowId).toBe(otherRow.id);
  });

  test('locations that could collide in the AAD are refused', () => {
    expect(() => cryptoV1.createDataKey({ table: 'social_accounts', id: 'a:b' })).toThrow(TypeError);
    expect(() => cryptoV1.encryptField(key, row, '', 'x')).toThrow(TypeError);
  });
});

describe('master key rotation', () => {
  test('rewrap moves a v1 data key to v2 and the v2-only ring then opens it and its fields', () => {
    const { wrapped, key } = cryptoV1.createDataKey(row);
    const field = cryptoV1.encryptField(key, row, 'refresh_token', SECRET);

    const rotating = new TokenCrypto(ringV2V1);
    expect(rotating.isWrappedWithCurrent(wrapped)).toBe(false);
    const rewrapped = rotating.rewrap(wrapped, row);
    expect(rewrapped.startsWith('hk1.v2.')).toBe(true);
    expect(rotating.isWrappedWithCurrent(rewrapped)).toBe(true);

    const v2Only = new TokenCrypto(ringV2);
    const reopened = v2Only.openDataKey(rewrapped, row);
    expect(reopened.equals(key)).toBe(true);
    expect(v2Only.decryptField(reopened, row, 'refresh_token', field)).toBe(SECRET);
  });

  test('a value still under v1 fails with UnknownKeyError once v1 is removed', () => {
    const { wrapped } = cryptoV1.createDataKey(row);
    const err = caught(() => new TokenCrypto(ringV2).openDataKey(wrapped, row));
    expect(err).toBeInstanceOf(UnknownKeyError);
    expect(err).toBeInstanceOf(DecryptionError);
    expect((err as UnknownKeyError).keyId).toBe('v1');
    expect(err.message).toMatch(/social_accounts\.data_key of row 5b0a6a7e-.*"v1"/);
  });
});

describe('error messages carry no secrets', () => {
  test('none of the failures mention plaintext, data key or master key bytes', () => {
    const { wrapped, key } = cryptoV1.createDataKey(row);
    const field = cryptoV1.encryptField(key, row, 'access_token', SECRET);
    const impostor = new TokenCrypto(new KeyRing(new Map([['v1', randomBytes(32)]])));
    const errors = [
      caught(() => cryptoV1.decryptField(key, otherRow, 'access_token', field)),
      caught(() => cryptoV1.decryptField(key, row, 'access_token', flipBit(field, 2))),
      caught(() => cryptoV1.decryptField(key, row, 'access_token', SECRET)),
      caught(() => cryptoV1.openDataKey(wrapped, otherRow)),
      caught(() => impostor.openDataKey(wrapped, row)),
      caught(() => new TokenCrypto(ringV2).openDataKey(wrapped, row)),
      caught(() => cryptoV1.openDataKey(wrapped.replace(/^hk1\.v1\./, `hk1.${SECRET}!.`), row)),
      caught(() => openAccountTokens(cryptoV1, { id: row.id, dataKey: wrapped, accessToken: null, refreshToken: null })),
    ];
    const forbidden = [SECRET, ...[key, v1].flatMap((k) => [k.toString('base64'), k.toString('base64url'), k.toString('hex')])];
    for (const err of errors) {
      expect(err).toBeInstanceOf(DecryptionError);
      const text = `${err.message}\n${err.stack}\n${JSON.stringify(err)}\n${inspect(err)}`;
      for (const secret of forbidden) expect(text).not.toContain(secret);
      expect(err.message).toContain('social_accounts');
    }
  });
});

describe('secret fields', () => {
  const crypto = new TokenCrypto(ringV2V1);

  test('account tokens round trip, with and without a refresh token', () => {
    const sealed = sealAccountTokens(crypto, row.id, null, { accessToken: 'at-1', refreshToken: 'rt-1' });
    expect(sealed.dataKey.startsWith('hk1.v2.')).toBe(true);
    expect(openAccountTokens(crypto, { id: row.id, ...sealed })).toEqual({ accessToken: 'at-1', refreshToken: 'rt-1' });

    const noRefresh = sealAccountTokens(crypto, row.id, null, { accessToken: 'at-2' });
    expect(noRefresh.refreshToken).toBeNull();
    expect(openAccountTokens(crypto, { id: row.id, ...noRefresh })).toEqual({ accessToken: 'at-2', refreshToken: null });
  });

  test('re-sealing keeps the row data key, so an unchanged column stays readable', () => {
    const first = sealAccountTokens(crypto, row.id, null, { accessToken: 'at-1', refreshToken: 'rt-1' });
    const second = sealAccountTokens(crypto, row.id, first.dataKey, { accessToken: 'at-2' });
    expect(second.dataKey).toBe(first.dataKey);
    // Only the access token was rewritten; the stored refresh token ciphertext still opens.
    const stored = { id: row.id, dataKey: second.dataKey, accessToken: second.accessToken, refreshToken: first.refreshToken };
    expect(openAccountTokens(crypto, stored)).toEqual({ accessToken: 'at-2', refreshToken: 'rt-1' });
  });

  test('re-sealing a row wrapped by an old master key re-wraps its data key under the current one', () => {
    const old = sealAccountTokens(cryptoV1, row.id, null, { accessToken: 'at-1', refreshToken: 'rt-1' });
    const resealed = sealAccountTokens(crypto, row.id, old.dataKey, { accessToken: 'at-2' });
    expect(resealed.dataKey.startsWith('hk1.v2.')).toBe(true);
    const stored = { id: row.id, dataKey: resealed.dataKey, accessToken: resealed.accessToken, refreshToken: old.refreshToken };
    expect(openAccountTokens(new TokenCrypto(ringV2), stored)).toEqual({ accessToken: 'at-2', refreshToken: 'rt-1' });
  });

  test('tokens sealed for one account do not open as another account', () => {
    const sealed = sealAccountTokens(crypto, row.id, null, { accessToken: 'at-1', refreshToken: 'rt-1' });
    expect(() => openAccountTokens(crypto, { id: otherRow.id, ...sealed })).toThrow(DecryptionError);
    // Swapping the two token columns is caught too.
    const swapped = { id: row.id, dataKey: sealed.dataKey, accessToken: sealed.refreshToken, refreshToken: sealed.accessToken };
    expect(() => openAccountTokens(crypto, swapped)).toThrow(DecryptionError);
  });

  test('missing columns are reported as missing', () => {
    const err = caught(() => openAccountTokens(crypto, { id: row.id, dataKey: null, accessToken: 'x', refreshToken: null }));
    expect((err as DecryptionError).reason).toBe('missing');
  });

  test('PKCE verifier round trip, bound to its state', () => {
    const stateHash = 'a'.repeat(64);
    const sealed = sealOAuthVerifier(crypto, stateHash, 'verifier-123');
    expect(sealed.codeVerifier).not.toContain('verifier-123');
    expect(openOAuthVerifier(crypto, { stateHash, ...sealed })).toBe('verifier-123');
    expect(() => openOAuthVerifier(crypto, { stateHash: 'b'.repeat(64), ...sealed })).toThrow(DecryptionError);
    expect(() => openOAuthVerifier(crypto, { stateHash, dataKey: sealed.dataKey, codeVerifier: null })).toThrow(/missing|no encrypted/);
  });
});
