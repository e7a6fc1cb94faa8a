// The token envelope encryption the connect routes seal with (the PKCE verifier, the first tokens of an account),
// built once per app from TOKEN_KEYS. Built on first use, so an API without TOKEN_KEYS still serves everything
// else and answers 503 here, naming the missing setting.
import type { Config } from '../../../../config.js';
import { TokenCrypto } from '../../../../crypto/envelope.js';
import { KeyRingError } from '../../../../crypto/errors.js';
import { KeyRing } from '../../../../crypto/key-ring.js';
import { unavailable } from '../../../errors.js';

const built = new WeakMap<Config, TokenCrypto>();

export function tokenCryptoFor(config: Config): TokenCrypto {
  let crypto = built.get(config);
  if (!crypto) {
    try {
      crypto = new TokenCrypto(KeyRing.fromConfig(config));
    } catch (err) {
      if (err instanceof KeyRingError) throw unavailable('token encryption is not configured: set TOKEN_KEYS to connect accounts');
      throw err;
    }
    built.set(config, crypto);
  }
  return crypto;
}
