// Who is calling a YouTube Data API route: a Bearer access token this sandbox issued (unknown, revoked or expired
// → 401 authError), a scope that allows the method (→ 403 insufficientPermissions), then the call charged to the
// project's daily quota (→ 403 quotaExceeded once the Pacific day's quota is spent; every call costs, §3.9).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendGoogleError, sendQuotaExceeded } from './envelope.js';
import type { YoutubeMethod } from './options.js';
import type { Grant, YoutubeStore } from './store.js';

const SCOPE = 'https://www.googleapis.com/auth/';
const FULL = [`${SCOPE}youtube`, `${SCOPE}youtube.force-ssl`];
/** Scopes that allow each method (any one of them). */
const ALLOWED: Record<YoutubeMethod, string[]> = {
  'videos.insert': [`${SCOPE}youtube.upload`, ...FULL],
  'thumbnails.set': [`${SCOPE}youtube.upload`, ...FULL],
  'videos.list': [`${SCOPE}youtube.readonly`, ...FULL],
  'channels.list': [`${SCOPE}youtube.readonly`, ...FULL],
  'playlistItems.list': [`${SCOPE}youtube.readonly`, ...FULL],
  'videos.update': FULL,
  'videos.delete': FULL,
};

export function authorize(store: YoutubeStore, request: FastifyRequest, reply: FastifyReply, method: YoutubeMethod): Grant | undefined {
  const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const grant = token ? store.byAccessToken(token) : undefined;
  if (!grant || grant.accessExpiresAt <= Date.now()) {
    sendGoogleError(reply, 401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'global');
    return undefined;
  }
  if (!ALLOWED[method].some((s) => grant.scopes.includes(s))) {
    sendGoogleError(reply, 403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', 'global');
    return undefined;
  }
  if (!store.charge(method)) {
    sendQuotaExceeded(reply);
    return undefined;
  }
  return grant;
}
