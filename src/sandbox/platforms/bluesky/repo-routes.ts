// The repository (§5): com.atproto.repo.uploadBlob (raw bytes with their Content-Type, ≤ the PDS's blob cap),
// createRecord (app.bsky.feed.post checked as post-record.ts says; 3 write points), deleteRecord (1 point),
// listRecords (newest first, `cursor` paging, for a client reconciling a lost create), getRecord. Writes spend the
// account's write points per hour and per day; a write that does not fit answers 429 with the rate-limit headers.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CountingBody } from '../../core/counting-body.js';
import type { ResolvedBlueskySandboxOptions } from './options.js';
import { checkPostRecord } from './post-record.js';
import { newCid, newTid, type BlueskyStore, type StoredRecord } from './store.js';
import { authenticate, invalidRequest, sendXrpcError, spendOr429 } from './xrpc.js';

const POST = 'app.bsky.feed.post';

const createSchema = z.object({
  repo: z.string().min(1),
  collection: z.string().min(1),
  rkey: z.string().max(512).optional(),
  validate: z.boolean().optional(),
  record: z.record(z.string(), z.unknown()),
  swapCommit: z.string().optional(),
});
const deleteSchema = z.object({ repo: z.string().min(1), collection: z.string().min(1), rkey: z.string().min(1) });

export function repoRoutes(store: BlueskyStore, o: ResolvedBlueskySandboxOptions): FastifyPluginAsync {
  const writeWindows = (did: string) => [
    { key: `points:hour:${did}`, limit: o.writePoints.perHour, windowSeconds: 3600 },
    { key: `points:day:${did}`, limit: o.writePoints.perDay, windowSeconds: 86_400 },
  ];
  const ownRepo = (repo: string, did: string, reply: FastifyReply) => {
    const account = store.account(repo);
    if (account?.did === did) return true;
    invalidRequest(reply, 'Input/repo must be the authenticated account');
    return false;
  };
  const view = (r: StoredRecord) => ({ uri: r.uri, cid: r.cid, value: r.value });

  return async (app) => {
    app.post('/xrpc/com.atproto.repo.uploadBlob', async (request, reply) => {
      const session = authenticate(store, request, reply);
      if (!session) return reply;
      const mimeType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (!mimeType || !(request.body instanceof CountingBody)) return invalidRequest(reply, 'uploadBlob takes the raw bytes with their Content-Type');
      let size = 0;
      try {
        for await (const chunk of request.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > o.maxBlobBytes) return sendXrpcError(reply, 400, 'BlobTooLarge', `This file is too large. It is ${size} bytes or more but the maximum size is ${o.maxBlobBytes} bytes.`);
        }
      } catch {
        return reply; // the connection broke off: nothing was stored
      }
      const announced = Number(request.headers['content-length'] ?? Number.NaN);
      if (Number.isFinite(announced) && size < announced) return reply;
      const cid = newCid('bafkrei');
      store.blobs.set(cid, { cid, did: session.did, mimeType, size, createdAt: Date.now() });
      return { blob: { $type: 'blob', ref: { $link: cid }, mimeType, size } };
    });

    app.post('/xrpc/com.atproto.repo.createRecord', async (request, reply) => {
      const session = authenticate(store, request, reply);
      if (!session) return reply;
      const parsed = createSchema.safeParse(request.body ?? {});
      if (!parsed.success) return invalidRequest(reply, `Input/${parsed.error.issues[0]!.path.join('/') || 'body'}: ${parsed.error.issues[0]!.message}`);
      const b = parsed.data;
      if (!ownRepo(b.repo, session.did, reply)) return reply;
      if (b.collection !== POST) return invalidRequest(reply, `this sandbox stores only ${POST} records`);
      if (b.record.$type !== undefined && b.record.$type !== POST) return invalidRequest(reply, `Invalid record: $type must be ${POST}`);
      const problem = checkPostRecord(store, o, session.did, b.record);
      if (problem) return invalidRequest(reply, problem);
      if (!spendOr429(store, o, reply, o.writePoints.create, writeWindows(session.did))) return reply;
      const rkey = b.rkey ?? newTid();
      const uri = `at://${session.did}/${POST}/${rkey}`;
      if (store.records.has(uri)) return invalidRequest(reply, `Record already exists: ${uri}`);
      const record: StoredRecord = { uri, cid: newCid(), did: session.did, collection: POST, rkey, value: { $type: POST, ...b.record }, createdAt: Date.now() };
      store.records.set(uri, record);
      return { uri, cid: record.cid, commit: { cid: newCid(), rev: newTid() }, validationStatus: 'valid' };
    });

    app.post('/xrpc/com.atproto.repo.deleteRecord', async (request, reply) => {
      const session = authenticate(store, request, reply);
      if (!session) return reply;
      const parsed = deleteSchema.safeParse(request.body ?? {});
      if (!parsed.success) return invalidRequest(reply, `Input/${parsed.error.issues[0]!.path.join('/') || 'body'}: ${parsed.error.issues[0]!.message}`);
      if (!ownRepo(parsed.data.repo, session.did, reply)) return reply;
      if (!spendOr429(store, o, reply, o.writePoints.delete, writeWindows(session.did))) return reply;
      store.records.delete(`at://${session.did}/${parsed.data.collection}/${parsed.data.rkey}`);
      return { commit: { cid: newCid(), rev: newTid() } };
    });

    app.get('/xrpc/com.atproto.repo.listRecords', async (request, reply) => {
      const q = request.query as { repo?: string; collection?: string; limit?: string; cursor?: string; reverse?: string };
      if (!q.repo || !q.collection) return invalidRequest(reply, 'Error: Params must have the properties "repo" and "collection"');
      const limit = q.limit === undefined ? 50 : Number(q.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalidRequest(reply, 'Error: limit must be an integer from 1 to 100');
      const account = store.account(q.repo);
      if (!account) return invalidRequest(reply, `Could not find repo: ${q.repo}`);
      const reverse = q.reverse === 'true';
      const all = [...store.records.values()]
        .filter((r) => r.did === account.did && r.collection === q.collection)
        .sort((a, b) => (reverse ? a.rkey.localeCompare(b.rkey) : b.rkey.localeCompare(a.rkey)))
        .filter((r) => q.cursor === undefined || (reverse ? r.rkey > q.cursor : r.rkey < q.cursor));
      const page = all.slice(0, limit);
      return { records: page.map(view), ...(all.length > limit ? { cursor: page[page.length - 1]!.rkey } : {}) };
    });

    app.get('/xrpc/com.atproto.repo.getRecord', async (request, reply) => {
      const q = request.query as { repo?: string; collection?: string; rkey?: string };
      const account = q.repo ? store.account(q.repo) : undefined;
      const record = account ? store.records.get(`at://${account.did}/${q.collection}/${q.rkey}`) : undefined;
      if (!record) return sendXrpcError(reply, 400, 'RecordNotFound', `Could not locate record: at://${q.repo}/${q.collection}/${q.rkey}`);
      return view(record);
    });
  };
}
