// Classifying a failed HTTP call, for every provider: whether the request can have reached the platform decides
// whether a failed commit call is ambiguous (reconcile) or provably not sent (safe to send again).

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
