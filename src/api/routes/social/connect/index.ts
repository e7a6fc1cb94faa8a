// Connecting social accounts through the platform's OAuth:
//   GET /api/social/connect/:platform    (API key)  the authorize URL to send the user to, or a 302 to it; either
//        answer sets the cookie that binds the state to this browser (browser-binding.ts)
//   GET /api/social/callback/:platform   (no key: the single-use state identifies the user) where the platform sends
//        the user back; answers JSON to clients that ask for it, else redirects the browser to the dashboard with
//        `?connected=<platform>&accounts=<ids>` or `?error=<code>&message=...`. A browser must bring the state's
//        cookie; an API client asking for JSON may come without it.
// and, for platforms whose accounts connect with credentials (GET /api/social/platforms says `connect: credentials`
// and lists the fields):
//   POST /api/social/connect/:platform/credentials   (API key) the field values as a JSON object; the accounts the
//        login yields, filed like an OAuth callback's. The request is kept out of the logs (it carries a password).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AccountCommands, accountCommandOptions } from '../../../../temporal/account-commands.js';
import { toErrorReply } from '../../../plugins/app/error-handler.js';
import { errorBodySchema, errorResponses } from '../../../schemas/common.js';
import { accountSchema, presentAccount } from '../accounts/account-schemas.js';
import { bindingCookieName, bindingCookieOptions } from './browser-binding.js';
import { ConnectService } from './connect-service.js';
import { hashOAuthState } from './oauth-secrets.js';
import { tokenCryptoFor } from './token-crypto.js';

const tags = ['accounts'];

const platformParams = z.object({ platform: z.string().min(1).max(64).describe('Provider id, e.g. `testbed`') });

const connectQuery = z.strictObject({
  redirect: z.enum(['true', 'false', '1', '0']).optional()
    .describe('`true`: answer 302 to the authorize URL instead of JSON (for a browser link)'),
});

// Loose on purpose: platforms add parameters of their own (scopes, iss, ...).
const callbackQuery = z.object({
  code: z.string().min(1).max(4096).optional(),
  state: z.string().min(1).max(512).optional(),
  error: z.string().min(1).max(256).optional().describe('Set by the platform when the user denied the request'),
  error_description: z.string().max(2048).optional(),
});

/** Weight of a media type in an Accept header (0 when absent). */
function acceptWeight(accept: string, type: string): number {
  for (const range of accept.split(',')) {
    const [name, ...params] = range.split(';').map((p) => p.trim());
    if (name?.toLowerCase() !== type) continue;
    const q = params.find((p) => p.startsWith('q='));
    return q ? Number(q.slice(2)) || 0 : 1;
  }
  return 0;
}

/** A client asking for JSON over HTML gets JSON; a browser (or anything else) is redirected to the dashboard. */
export function prefersJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const json = acceptWeight(accept, 'application/json');
  return json > 0 && json >= acceptWeight(accept, 'text/html');
}

const credentialsBody = z.record(z.string().min(1).max(64), z.string().max(4096))
  .describe('The platform\'s credential fields by name (GET /api/social/platforms: `credentialFields`), e.g. `{ "identifier": "alice.bsky.social", "appPassword": "xxxx-xxxx-xxxx-xxxx" }`');

const connectRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new ConnectService({
    db: app.database.db,
    config: app.config,
    providers: app.providers,
    crypto: () => tokenCryptoFor(app.config),
    accounts: new AccountCommands(app.temporal.client, app.config.TEMPORAL_TASK_QUEUE, accountCommandOptions(app.config)),
    log: app.log,
  });

  /** The cookie's scope: the platform's callback as browsers address it, over https when Herald is. */
  const cookieScope = (platform: string) => {
    const callback = new URL(service.redirectUri(platform));
    return { path: callback.pathname, secure: callback.protocol === 'https:' };
  };

  const dashboard = (params: Record<string, string>) => {
    const url = new URL(app.config.DASHBOARD_URL ?? `${app.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/accounts`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  };

  app.get('/api/social/connect/:platform', {
    schema: {
      tags, summary: 'Start connecting an account: the platform\'s authorize URL (single-use state, PKCE when the platform uses it)',
      params: platformParams,
      querystring: connectQuery,
      response: {
        200: z.object({
          authorizeUrl: z.url().describe('Send the user here; the platform redirects back to /api/social/callback/:platform'),
          expiresAt: z.iso.datetime().describe('The authorization must complete before this instant'),
        }).describe('The authorize URL'),
        302: z.null().describe('Redirect to the authorize URL (`?redirect=true`)'),
        ...errorResponses(400, 401, 404, 429, 503),
      },
    },
  }, async (request, reply) => {
    // An alias (`twitter`) connects the platform's id (`x`): accounts and callbacks use the id.
    const platform = app.providers.canonicalId(request.params.platform);
    const { browserBinding, ...started } = await service.begin(request.user, platform);
    reply.setCookie(bindingCookieName(browserBinding.stateHash), browserBinding.secret, {
      ...bindingCookieOptions(browserBinding.maxAgeSeconds), ...cookieScope(platform),
    });
    const redirect = request.query.redirect === 'true' || request.query.redirect === '1';
    if (redirect) return reply.redirect(started.authorizeUrl, 302);
    return started;
  });

  app.post('/api/social/connect/:platform/credentials', {
    // No Idempotency-Key: its record would keep a fingerprint of a body that holds a password, and connecting again
    // is harmless (the same account is updated). Fastify's per-request lines stay out of the logs for the same reason,
    // as the OAuth callback's do.
    logLevel: 'warn',
    schema: {
      tags, summary: 'Connect an account with credentials (a handle and an app password) for platforms that take them instead of OAuth',
      params: platformParams,
      body: credentialsBody,
      response: {
        200: z.object({ accounts: z.array(accountSchema) }).describe('The accounts connected'),
        ...errorResponses(400, 401, 404, 429, 503),
        502: errorBodySchema.describe('The platform failed the login or reading the profile'),
      },
    },
  }, async (request) => {
    const platform = app.providers.canonicalId(request.params.platform);
    const { accounts } = await service.connectWithCredentials(request.user, platform, request.body);
    return { accounts: accounts.map(presentAccount) };
  });

  app.get('/api/social/callback/:platform', {
    config: { public: true },
    // Fastify's per-request info lines carry the URL, and this URL carries the authorization code and the state:
    // keep them out of the logs (what the handler logs itself goes through app.log, without the URL).
    logLevel: 'warn',
    schema: {
      tags, summary: 'OAuth redirect target: completes the connection (the state identifies the user, no API key)',
      security: [],
      params: platformParams,
      querystring: callbackQuery,
      response: {
        200: z.object({ accounts: z.array(accountSchema) }).describe('The accounts connected (clients that accept JSON)'),
        302: z.null().describe('Browsers: back to the dashboard with `?connected=<platform>&accounts=<ids>` or `?error=<code>&message=...`'),
        ...errorResponses(400, 404, 429, 503),
        502: errorBodySchema.describe('The platform failed exchanging the code or reading the profile'),
      },
    },
  }, async (request, reply) => {
    // An alias (`twitter`) connects the platform's id (`x`): accounts and callbacks use the id.
    const platform = app.providers.canonicalId(request.params.platform);
    const json = prefersJson(request.headers.accept);
    const cookieName = request.query.state ? bindingCookieName(hashOAuthState(request.query.state)) : undefined;
    const binding = cookieName ? request.cookies[cookieName] || undefined : undefined;
    // Spent or refused, the state is done with: the browser may forget its cookie.
    if (cookieName && binding !== undefined) reply.clearCookie(cookieName, { ...bindingCookieOptions(0), ...cookieScope(platform) });
    const caller = { browser: !json, binding };
    if (json) {
      const { accounts } = await service.complete(platform, request.query, caller);
      return { accounts: accounts.map(presentAccount) };
    }
    try {
      const { accounts } = await service.complete(platform, request.query, caller);
      return reply.redirect(dashboard({ connected: platform, accounts: accounts.map((a) => a.id).join(',') }), 302);
    } catch (err) {
      const { body, unexpected, statusCode } = toErrorReply(err);
      if (unexpected) request.log.error({ err }, 'connecting an account failed');
      else app.log.info({ platform, code: body.error.code, statusCode }, body.error.message);
      return reply.redirect(dashboard({ platform, error: body.error.code, message: body.error.message }), 302);
    }
  });
};

export default connectRoutes;
