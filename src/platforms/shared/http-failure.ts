// Classifying a failed HTTP call, for every provider: whether the request can have reached the platform decides
// whether a failed commit call is ambiguous (reconcile) or provably not sent (safe to send again).
import { OAuthError, PublishError } from '../provider.js';

/** Failures before any byte of the request left this process: even a commit call was not sent. */
const notSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

export function describeNetworkFailure(err: unknown): { code: string; message: string; notSent: boolean } {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return { code: 'timeout', message: 'request timed out', notSent: false };
  if (e?.name === 'AbortError') return { code: 'aborted', message: 'request aborted', notSent: false };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return {
    code: 'network_error',
    message: `${e?.message ?? String(err)}${cause ? ` (${cause})` : ''}`,
    notSent: e?.cause?.code !== undefined && notSentCodes.has(e.cause.code),
  };
}

/**
 * Sends one platform API call. A failure before any answer becomes a PublishError: `ambiguous` for a commit call that
 * may have left this process, `transient` otherwise. The answer's body comes back parsed when it is JSON.
 */
export async function sendPlatformCall(url: string, init: RequestInit, call: { what: string; commit?: boolean | undefined }): Promise<{ res: Response; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    const f = describeNetworkFailure(err);
    throw new PublishError(call.commit && !f.notSent ? 'ambiguous' : 'transient', f.code, `${call.what}: ${f.message}`);
  }
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { res, body };
}

/** Posts a form to a platform's OAuth token or revoke endpoint: a failure before any answer is a transient OAuthError. */
export async function sendOAuthForm(url: string, init: RequestInit, what: string): Promise<{ res: Response; body: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', ...init });
  } catch (err) {
    const f = describeNetworkFailure(err);
    throw new OAuthError('transient', f.code, `${what}: ${f.message}`);
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { res, body };
}
