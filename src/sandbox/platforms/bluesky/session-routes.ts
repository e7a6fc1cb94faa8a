// Sessions and identity (§5): com.atproto.server.createSession (identifier = handle or email, password = app
// password; 30 per 5 minutes and 300 per day per account → 429), refreshSession (Bearer refreshJwt; both JWTs
// rotate, the spent refresh JWT is revoked), getSession, deleteSession, and com.atproto.identity.resolveHandle.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { BlueskySandboxAccount, ResolvedBlueskySandboxOptions } from './options.js';
import type { BlueskyStore, Session } from './store.js';
import { bearer, authenticate, invalidRequest, sendXrpcError, spendOr429 } from './xrpc.js';

const createSessionSchema = z.object({
  identifier: z.string().min(1),
  password: z.string().min(1),
  authFactorToken: z.string().optional(),
});

function sessionBody(session: Session, account: BlueskySandboxAccount) {
  return {
    accessJwt: session.accessJwt, refreshJwt: session.refreshJwt, handle: account.handle, did: account.did,
    ...(account.email ? { email: account.email, emailConfirmed: true } : {}), active: true,
  };
}

export function sessionRoutes(store: BlueskyStore, o: ResolvedBlueskySandboxOptions): FastifyPluginAsync {
  return async (app) => {
    app.post('/xrpc/com.atproto.server.createSession', async (request, reply) => {
      const parsed = createSessionSchema.safeParse(request.body ?? {});
      if (!parsed.success) return invalidRequest(reply, `Input/${parsed.error.issues[0]!.path.join('.') || 'body'} ${parsed.error.issues[0]!.message}`);
      const account = store.account(parsed.data.identifier);
      // Attempts count against the account named, whether the password is right or not.
      if (account && !spendOr429(store, o, reply, 1, [
        { key: `session:5m:${account.did}`, limit: o.sessionsPer5Min, windowSeconds: 300 },
        { key: `session:day:${account.did}`, limit: o.sessionsPerDay, windowSeconds: 86_400 },
      ])) return reply;
      if (!account || store.appPasswordOf(account) !== parsed.data.password) {
        return sendXrpcError(reply, o.badPasswordError.status, o.badPasswordError.error, o.badPasswordError.message);
      }
      return sessionBody(store.newSession(account.did), account);
    });

    app.post('/xrpc/com.atproto.server.refreshSession', async (request, reply) => {
      const token = bearer(request);
      if (!token) return sendXrpcError(reply, 401, 'AuthMissing', 'Authentication Required');
      const found = store.byRefreshJwt(token);
      if (!found || found.session.deleted) return sendXrpcError(reply, 400, 'InvalidToken', 'Token could not be verified');
      if (found.spent) return sendXrpcError(reply, 400, 'ExpiredToken', 'Token has been revoked');
      if (found.session.refreshExpiresAt <= Date.now()) return sendXrpcError(reply, 400, 'ExpiredToken', 'Token has expired');
      const account = store.accountByDid(found.session.did)!;
      store.rotate(found.session);
      return sessionBody(found.session, account);
    });

    app.get('/xrpc/com.atproto.server.getSession', async (request, reply) => {
      const session = authenticate(store, request, reply);
      if (!session) return reply;
      const account = store.accountByDid(session.did)!;
      return { handle: account.handle, did: account.did, ...(account.email ? { email: account.email, emailConfirmed: true } : {}), active: true };
    });

    app.post('/xrpc/com.atproto.server.deleteSession', async (request, reply) => {
      const token = bearer(request);
      const found = token ? store.byRefreshJwt(token) : undefined;
      if (!found || found.spent) return sendXrpcError(reply, 400, 'InvalidToken', 'Token could not be verified');
      found.session.deleted = true;
      return reply.code(200).send();
    });

    app.get('/xrpc/com.atproto.identity.resolveHandle', async (request, reply) => {
      const handle = (request.query as { handle?: string }).handle;
      if (!handle) return invalidRequest(reply, 'Error: Params must have the property "handle"');
      const account = store.account(handle);
      if (!account || account.handle !== handle.toLowerCase()) return invalidRequest(reply, 'Unable to resolve handle');
      return { did: account.did };
    });
  };
}
