// POST /v2/post/publish/status/fetch/ (§1.13) and POST /v2/post/publish/cancel/ (§1.14), mounted under
// /v2/post/publish. Both take `{ publish_id }`; an unknown id is 400 invalid_publish_id, another user's is 400
// token_not_authorized_for_specified_publish_id. `publicaly_available_post_id` (sic) holds int64 post ids written as
// raw JSON numbers of 19 digits, so a client that parses them through a JS number loses precision visibly.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { authenticate, callerOf, requireScope, type Caller } from './auth.js';
import { sendApiError, sendData, sendOk } from './envelope.js';
import type { PublishLifecycle } from './lifecycle.js';
import type { SlidingWindowLimiter } from './sliding-window.js';
import { downloadedBytes, type Publish, type TiktokStore } from './store.js';

const POSTING_SCOPES = ['video.upload', 'video.publish'];

function findPublish(store: TiktokStore, caller: Caller, body: unknown, reply: FastifyReply): Publish | undefined {
  const id = (body as { publish_id?: unknown } | undefined)?.publish_id;
  const p = typeof id === 'string' ? store.publishes.get(id) : undefined;
  if (!p) {
    sendApiError(reply, 400, 'invalid_publish_id', `publish_id ${typeof id === 'string' ? id : '(missing)'} does not exist.`);
    return undefined;
  }
  if (p.openId !== caller.user.openId) {
    sendApiError(reply, 400, 'token_not_authorized_for_specified_publish_id', 'The access token does not belong to the creator of this publish_id.');
    return undefined;
  }
  return p;
}

export function statusRoutes(
  store: TiktokStore, lifecycle: PublishLifecycle, limiters: { status: SlidingWindowLimiter; cancel: SlidingWindowLimiter },
): FastifyPluginAsync {
  return async (app) => {
    app.post('/status/fetch/', { preHandler: authenticate(store, limiters.status) }, async (request, reply) => {
      const caller = callerOf(request);
      if (!requireScope(caller, reply, POSTING_SCOPES)) return reply;
      const p = findPublish(store, caller, request.body, reply);
      if (!p) return reply;
      return sendData(reply, {
        status: p.status,
        ...(p.status === 'FAILED' ? { fail_reason: p.failReason ?? 'internal' } : {}),
        publicaly_available_post_id: p.postIds.map((id) => BigInt(id)),
        ...(p.upload ? { uploaded_bytes: p.upload.receivedBytes } : {}),
        ...(p.pull ? { downloaded_bytes: downloadedBytes(p) } : {}),
      });
    });

    app.post('/cancel/', { preHandler: authenticate(store, limiters.cancel) }, async (request, reply) => {
      const caller = callerOf(request);
      if (!requireScope(caller, reply, POSTING_SCOPES)) return reply;
      const p = findPublish(store, caller, request.body, reply);
      if (!p) return reply;
      if (!lifecycle.cancelDownload(p)) {
        return sendApiError(reply, 400, 'publish_not_cancellable', `publish ${p.id} is not a PULL_FROM_URL download in progress (${p.status}).`);
      }
      return sendOk(reply);
    });
  };
}
