// Instagram resumable video upload (§4.4): `POST https://rupload.facebook.com/ig-api-upload/{ver}/{container-id}`,
// simulated under the meta prefix as /meta/rupload/ig-api-upload/{ver}/{container-id}. Strict rules:
//   - `Authorization: OAuth <user token>`; the token must be valid and reach the container's IG account, else the
//     §4.4 failure body ("unauthorized user request");
//   - the container must have been created with upload_type=resumable, and not be published or expired;
//   - headers `offset` and `file_size` (unsigned integers) are required, for the `file_url` pull variant too (a
//     third-party report: rupload refuses a missing Offset even there);
//   - bytes: `offset: 0` (re)starts the upload with the declared `file_size`; any other offset must equal the bytes
//     received so far and `file_size` must not change. Bytes count as they arrive, so a cut connection keeps what got
//     through; more bytes than `file_size` are refused. The container stays IN_PROGRESS until every byte is in, then
//     processes for `videoProcessingMs`; without them it never becomes FINISHED;
//   - `file_url: <public url>` with no body: the pull variant; the container processes as for video_url.
// Answers: `{"success":true,"message":"Upload successful."}`; failures `{"debug_info":{"retriable",type,message}}`
// where message is the JSON text `{"success":false,"error":{"message":...}}` (the shape §4.4 quotes). HTTP statuses
// of failures are not documented: 400 here (401 for auth, 409/503 for the retriable ones).
// Resuming an interrupted upload is UNCONFIRMED (§4.4, §7): with `ruploadOffsetLookup` (default on), a GET on the
// same URL answers `{"offset": <bytes received>}`; off, the route does not exist and only restarting from 0 works.
// Bodies stream through the frame's CountingBody (never buffered); faults and recording apply as on every route.
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { CountingBody } from '../../core/counting-body.js';
import { tokenProblem } from './auth.js';
import type { ResolvedMetaOptions } from './options.js';
import type { Container, MetaStore, ResumableUpload } from './store.js';

type Params = { version?: string; containerId?: string };

const UNSIGNED = /^\d{1,15}$/;

function sendFailure(reply: FastifyReply, status: number, retriable: boolean, type: string, message: string): FastifyReply {
  return reply.code(status).send({ debug_info: { retriable, type, message: JSON.stringify({ success: false, error: { message } }) } });
}

const unauthorized = (reply: FastifyReply) => sendFailure(reply, 401, false, 'ProcessingFailedError', 'unauthorized user request');

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' ? v.trim() : undefined;
}

export function ruploadRoutes(store: MetaStore, options: ResolvedMetaOptions): FastifyPluginAsync {
  /** The resumable container the caller may upload to, or undefined after answering the failure. */
  function authorizedContainer(request: FastifyRequest, reply: FastifyReply): (Container & { upload: ResumableUpload }) | undefined {
    const { version = '', containerId = '' } = request.params as Params;
    if (!/^v\d+\.\d+$/.test(version)) {
      sendFailure(reply, 400, false, 'ParameterValidationError', `unknown API version ${version}`);
      return undefined;
    }
    const m = /^OAuth\s+(\S+)$/i.exec(headerOf(request, 'authorization') ?? '');
    const t = m?.[1] ? store.tokens.get(m[1]) : undefined;
    const c = store.containers.get(containerId);
    const owns = t && !tokenProblem(t) && t.userId === options.user.id && t.scopes.includes('instagram_content_publish')
      && c && options.user.pages.some((p) => p.instagram?.id === c.igUserId);
    if (!owns || !c) {
      unauthorized(reply);
      return undefined;
    }
    if (!c.upload) {
      sendFailure(reply, 400, false, 'ProcessingFailedError', `container ${c.id} was not created with upload_type=resumable`);
      return undefined;
    }
    const status = store.statusOf(c);
    if (status === 'PUBLISHED' || status === 'EXPIRED') {
      sendFailure(reply, 400, false, 'ProcessingFailedError', `container ${c.id} is ${status} and takes no more uploads`);
      return undefined;
    }
    return c as Container & { upload: ResumableUpload };
  }

  function complete(c: Container, u: ResumableUpload): void {
    u.completedAt = Date.now();
    c.readyAt = u.completedAt + options.videoProcessingMs;
  }

  return async (app) => {
    const path = '/rupload/ig-api-upload/:version/:containerId';

    app.post(path, async (request, reply) => {
      const c = authorizedContainer(request, reply);
      if (!c) return reply;
      const u = c.upload;
      const offsetHeader = headerOf(request, 'offset');
      const sizeHeader = headerOf(request, 'file_size');
      if (!offsetHeader || !UNSIGNED.test(offsetHeader)) {
        return sendFailure(reply, 400, false, 'ParameterValidationError', 'HeaderValuePredicate: Header Offset not convertable to unsigned long');
      }
      if (!sizeHeader || !UNSIGNED.test(sizeHeader) || Number(sizeHeader) === 0) {
        return sendFailure(reply, 400, false, 'ParameterValidationError', 'HeaderValuePredicate: Header file_size not convertable to a positive unsigned long');
      }
      const offset = Number(offsetHeader);
      const fileSize = Number(sizeHeader);
      if (u.busy) return sendFailure(reply, 409, true, 'ProcessingFailedError', 'another upload request for this container is still being received');

      const fileUrl = headerOf(request, 'file_url');
      if (fileUrl !== undefined) {
        let ok = false;
        try { ok = ['http:', 'https:'].includes(new URL(fileUrl).protocol); } catch { ok = false; }
        if (!ok) return sendFailure(reply, 400, false, 'ParameterValidationError', 'file_url must be an http(s) URL');
        if (offset !== 0) return sendFailure(reply, 400, false, 'ParameterValidationError', 'a file_url upload starts at offset 0');
        Object.assign(u, { fileSize, receivedBytes: fileSize, fileUrl, hash: undefined, sha256: undefined, requests: u.requests + 1 });
        complete(c, u);
        return { success: true, message: 'Upload successful.' };
      }

      const body = request.body;
      if (!(body instanceof CountingBody)) {
        return sendFailure(reply, 400, false, 'ParameterValidationError', 'expected the raw video bytes as the body (or a file_url header)');
      }
      if (offset === 0) {
        Object.assign(u, { fileSize, receivedBytes: 0, hash: createHash('sha256'), sha256: undefined, fileUrl: undefined, completedAt: undefined });
        c.readyAt = Number.POSITIVE_INFINITY;
      } else if (u.completedAt !== undefined) {
        return sendFailure(reply, 400, false, 'ProcessingFailedError', 'all bytes were already received');
      } else if (u.fileSize !== fileSize || offset !== u.receivedBytes || !u.hash) {
        return sendFailure(reply, 400, false, 'ProcessingFailedError',
          `offset ${offset} / file_size ${fileSize} do not continue this upload (${u.receivedBytes} of ${u.fileSize ?? 'unknown'} bytes received)`);
      }

      u.busy = true;
      u.requests += 1;
      let overflow = false;
      try {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          if (overflow) continue;
          if (u.receivedBytes + chunk.length > fileSize) {
            overflow = true;
            continue;
          }
          u.hash!.update(chunk);
          u.receivedBytes += chunk.length;
        }
      } catch {
        // The client went away: the bytes that arrived stay (an `offset` resume continues after them).
        return reply;
      } finally {
        u.busy = false;
      }
      if (overflow) {
        // The running hash no longer matches any valid prefix of the file: only a restart from 0 can go on.
        u.hash = undefined;
        return sendFailure(reply, 400, false, 'ProcessingFailedError', `the body carried more than file_size ${fileSize} bytes`);
      }
      if (u.receivedBytes === fileSize) {
        u.sha256 = u.hash!.digest('hex');
        u.hash = undefined;
        complete(c, u);
      }
      // A body ending before file_size is a partial upload: it is kept and a later request continues at its offset.
      return { success: true, message: 'Upload successful.' };
    });

    if (options.ruploadOffsetLookup) {
      app.get(path, async (request, reply) => {
        const c = authorizedContainer(request, reply);
        if (!c) return reply;
        return { offset: c.upload.receivedBytes };
      });
    }
  };
}
