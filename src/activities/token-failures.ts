// What a failed call to a platform's token endpoint means for Herald, whatever provider made it:
//   invalid_grant - the refresh token (or code) is dead: the user must connect the account again
//   transient     - try again later
//   permanent     - a configuration or request problem that retrying will not fix
// Providers throw OAuthError (src/platforms/provider.ts). Providers written before it (the testbed) throw
// PublishErrors from their shared HTTP client; those are mapped by kind, and by the RFC 6749 code `invalid_grant`.
import { OAuthError, PublishError } from '../platforms/provider.js';

export interface TokenFailure {
  kind: 'invalid_grant' | 'transient' | 'permanent';
  /** The platform's error code when it gave one. */
  code: string;
  message: string;
  retryAfterMs?: number;
}

export function classifyTokenFailure(err: unknown): TokenFailure {
  if (err instanceof OAuthError) {
    return { kind: err.kind, code: err.code, message: err.message, ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}) };
  }
  if (err instanceof PublishError) {
    const retryAfter = err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {};
    if (err.code === 'invalid_grant') return { kind: 'invalid_grant', code: err.code, message: err.message };
    if (err.kind === 'transient' || err.kind === 'rate_limited' || err.kind === 'ambiguous') {
      return { kind: 'transient', code: err.code, message: err.message, ...retryAfter };
    }
    return { kind: 'permanent', code: err.code, message: err.message };
  }
  // Anything else thrown by a provider is a network failure or a bug in parsing an answer: worth another try.
  return { kind: 'transient', code: 'unexpected_error', message: err instanceof Error ? err.message : String(err) };
}
