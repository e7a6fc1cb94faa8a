// The random values of an authorization request: the `state` that binds the platform's redirect back to the user
// who started it, and the PKCE verifier with its S256 challenge (RFC 7636). Only the state's SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: unguessable, and safe in a URL as it is. */
export const newOAuthState = (): string => randomBytes(32).toString('base64url');

/** What oauth_states stores instead of the state: a database leak yields no usable state. */
export const hashOAuthState = (state: string): string => createHash('sha256').update(state, 'utf8').digest('hex');

/** 32 random bytes, base64url: 43 unreserved characters, the shortest verifier RFC 7636 allows. */
export const newCodeVerifier = (): string => randomBytes(32).toString('base64url');

/** S256 challenge, base64url. A provider needing another encoding (e.g. hex) re-encodes these digest bytes. */
export const s256Challenge = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/**
 * The secret that binds an authorization request to the browser that began it (RFC 9700 §4.7.1): sent to that
 * browser in a cookie, stored hashed (hashOAuthState) with the state, and compared at the callback.
 */
export const newBrowserBinding = (): string => randomBytes(32).toString('base64url');
