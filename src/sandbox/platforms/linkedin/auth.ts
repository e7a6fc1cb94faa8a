// Who is calling a LinkedIn API route, and the checks every call passes (§2.0): a Bearer token this sandbox issued
// (401 65600 otherwise, expired or revoked included), on /rest/* the `LinkedIn-Version` header (missing → 400,
// outside the active versions → 426 NONEXISTENT_VERSION) and `X-Restli-Protocol-Version: 2.0.0`, and the per-day
// call limits (429, no headers, §2.0.2). Errors in LinkedIn's shape (§2.0.1): `{ status, serviceErrorCode?, code?, message }`.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResolvedLinkedinSandboxOptions } from './options.js';
import type { LinkedinStore, LinkedinToken } from './store.js';

export interface LinkedinError { status: number; message: string; serviceErrorCode?: number; code?: string }

export function sendLinkedinError(reply: FastifyReply, e: LinkedinError): FastifyReply {
  return reply.code(e.status).send({
    ...(e.code ? { code: e.code } : {}), ...(e.serviceErrorCode !== undefined ? { serviceErrorCode: e.serviceErrorCode } : {}),
    message: e.message, status: e.status,
  });
}

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

/** The version-header problem of a /rest call, if any. */
export function versionProblem(request: FastifyRequest, options: ResolvedLinkedinSandboxOptions): LinkedinError | undefined {
  const version = request.headers['linkedin-version'];
  if (typeof version !== 'string' || version === '') {
    return { status: 400, code: 'VERSION_MISSING', message: 'A version must be present. Please specify a version by adding the LinkedIn-Version header.' };
  }
  const month = /^(\d{6})(?:\.\d{2})?$/.exec(version)?.[1];
  if (!month || month < options.oldestActiveVersion || month > options.newestVersion) {
    return { status: 426, code: 'NONEXISTENT_VERSION', message: `Requested version ${version} is not active` };
  }
  if (request.headers['x-restli-protocol-version'] !== '2.0.0') {
    return { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'X-Restli-Protocol-Version 2.0.0 is required for this resource' };
  }
  return undefined;
}

/**
 * Checks a call and answers its token, or sends the error and answers undefined. `versioned` routes (/rest/*) need
 * the version headers; /v2 ones (userinfo, socialActions) do not.
 */
export function authorize(store: LinkedinStore, options: ResolvedLinkedinSandboxOptions, request: FastifyRequest, reply: FastifyReply, versioned = true): LinkedinToken | undefined {
  const raw = bearer(request);
  if (!raw) {
    sendLinkedinError(reply, { status: 401, serviceErrorCode: 65604, message: 'Empty oauth2_access_token' });
    return undefined;
  }
  const t = store.tokens.get(raw);
  if (!t || t.revoked) {
    sendLinkedinError(reply, { status: 401, serviceErrorCode: 65600, message: 'Invalid access token' });
    return undefined;
  }
  if (t.expiresAt <= Date.now()) {
    sendLinkedinError(reply, { status: 401, serviceErrorCode: 65601, message: 'The token used in the request has expired' });
    return undefined;
  }
  if (versioned) {
    const problem = versionProblem(request, options);
    if (problem) {
      sendLinkedinError(reply, problem);
      return undefined;
    }
  }
  const over = store.countCall(t.sub);
  if (over) {
    sendLinkedinError(reply, { status: 429, serviceErrorCode: 101, message: `Resource level throttle ${over} DAY limit for calls to this resource is reached.` });
    return undefined;
  }
  return t;
}

export function requireScope(t: LinkedinToken, reply: FastifyReply, scope: string, what: string): boolean {
  if (t.scopes.includes(scope)) return true;
  sendLinkedinError(reply, { status: 403, serviceErrorCode: 100, message: `Not enough permissions to access: ${what}` });
  return false;
}

/** Author URNs the caller may act as: itself, and the pages where its role allows posting (§2.1). */
export function authorsOf(t: LinkedinToken, options: ResolvedLinkedinSandboxOptions): string[] {
  const own = [`urn:li:person:${t.sub}`];
  if (!t.scopes.includes('w_organization_social')) return own;
  return [...own, ...options.member.organizations.filter((o) => o.role !== 'ANALYST').map((o) => `urn:li:organization:${o.id}`)];
}
