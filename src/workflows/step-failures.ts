// How the publish workflows read an activity failure: the activity layer turns a provider's PublishError into an
// ApplicationFailure whose type is the error kind. Anything else that ends an activity (a timeout because the
// worker died, a cancelled attempt) says nothing about whether a platform call went through, hence 'ambiguous'.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';

export type FailureKind = 'permanent' | 'rate_limited' | 'auth' | 'transient' | 'ambiguous';

export interface ClassifiedFailure {
  kind: FailureKind;
  code: string;
  message: string;
  retryAfterMs?: number;
  /** For auth failures: the expiry of the token the platform rejected (see RefreshRequest.staleExpiresAt). */
  staleExpiresAt?: string;
}

const kinds: FailureKind[] = ['permanent', 'rate_limited', 'auth', 'transient', 'ambiguous'];

export function classifyFailure(err: unknown): ClassifiedFailure {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && kinds.includes(cause.type as FailureKind)) {
    const details = (cause.details?.[0] ?? {}) as { code?: string; retryAfterMs?: number; staleExpiresAt?: string };
    return {
      kind: cause.type as FailureKind,
      code: details.code ?? cause.type!,
      message: cause.message,
      ...(details.retryAfterMs !== undefined ? { retryAfterMs: details.retryAfterMs } : {}),
      ...(details.staleExpiresAt !== undefined ? { staleExpiresAt: details.staleExpiresAt } : {}),
    };
  }
  if (cause instanceof TimeoutFailure) {
    return { kind: 'ambiguous', code: 'activity_timeout', message: `activity timed out (${cause.timeoutType})` };
  }
  const message = cause instanceof Error ? cause.message : String(cause);
  return { kind: 'ambiguous', code: 'unexpected_error', message };
}
