// Publishing on Bluesky (§5) as a plan of steps:
//   prepare          prepare   notes the author's newest record key (record keys are TIDs, ordered by time: a
//                              record after it is Herald's to claim) and resolves every @handle of the texts to its
//                              DID (resolveHandle); a handle that does not resolve stays plain text, as in Bluesky's
//                              own app
//   media.i.upload   transfer  image i as a blob (uploadBlob, raw bytes, ≤ 1,000,000 bytes), or the video (an MP4
//                              ≤ 50 MB, the PDS's blob cap); its blob ref is kept. Videos go to the PDS like images
//                              (not through Bluesky's video service, whose processing Herald does not wait for)
//   post             commit    createRecord of the app.bsky.feed.post: text, facets (links, mentions, hashtags as
//                              UTF-8 byte ranges), the images with their alt text or the video, or else a link card (external
//                              embed) for the first link. Its at:// uri is platformPostId. Each create first holds
//                              3 write points (CREATE) of the account's hour and day in Herald's cross-worker quotas
//   part.k.post      commit    follow-up part k of `options.thread`, replying with root = the post and parent = the
//                              part before; each part's uri and cid are recorded, so a retry never posts one twice
// Nothing is staged ahead of the due time: Bluesky deletes unreferenced blobs after a window it does not state, so a
// blob uploaded early might be gone at the due instant. createRecord takes no idempotency key: a create whose answer
// was lost is reconciled by reading the author's recent records (listRecords, read from the PDS itself) for the
// exact text Herald sent (and, for a part, the same parent), newer than the key noted by `prepare`.
import { PublishError, type Json, type MediaSource, type PublishContext, type PublishProvider, type PublishState, type PublishStepSpec, type ReconcileOutcome, type StepOutcome } from '../provider.js';
import type { BlueskyHttp } from './http.js';
import { CREATE_POINTS, type ResolvedBlueskyOptions } from './options.js';
import { detectFacets } from './rich-text.js';
import { threadParts } from '../shared/thread-parts.js';
import { MAX_IMAGE_BYTES, MAX_VIDEO_BYTES } from './target.js';

const POST = 'app.bsky.feed.post';
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const UPLOAD_STEP = /^media\.(\d+)\.upload$/;
const PART_STEP = /^part\.(\d+)\.post$/;

interface StrongRef { uri: string; cid: string }
interface Facet { index: { byteStart: number; byteEnd: number }; features: Record<string, string>[] }
interface BlobRef { $type: 'blob'; ref: { $link: string }; mimeType: string; size: number }
interface ListedRecord { uri?: unknown; cid?: unknown; value?: { text?: unknown; reply?: { parent?: { uri?: unknown } } } }

const recordOf = <T>(v: Json | undefined): Record<string, T> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as unknown as Record<string, T>) : {});
const rkeyOf = (uri: string) => uri.split('/').pop() ?? '';

async function readAll(media: MediaSource, signal: AbortSignal): Promise<Buffer> {
  if (media.open) {
    const chunks: Buffer[] = [];
    for await (const chunk of media.open()) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks);
  }
  if (!media.url) throw new PublishError('permanent', 'upload_required', 'the file has neither stored bytes nor a URL');
  const res = await fetch(media.url, { signal });
  if (!res.ok) throw new PublishError('transient', `http_${res.status}`, `fetching the file answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

export function createBlueskyPublish(http: BlueskyHttp, o: ResolvedBlueskyOptions): PublishProvider {
  const blobsOf = (state: PublishState) => recordOf<BlobRef>(state.data.blobs);
  const partsOf = (state: PublishState) => recordOf<StrongRef>(state.data.parts);
  const didsOf = (state: PublishState) => recordOf<string>(state.data.dids);

  function textOf(ctx: PublishContext, k: number): string {
    if (k === 0) return ctx.text;
    const text = threadParts(ctx.options)[k - 1];
    if (text === undefined) throw new PublishError('permanent', 'unknown_step', `the thread has no part ${k}`);
    return text;
  }

  /** The published part k (0: the post itself). */
  const partRef = (state: PublishState, k: number): StrongRef | undefined => partsOf(state)[k];

  function replyOf(state: PublishState, k: number): { root: StrongRef; parent: StrongRef } | undefined {
    if (k === 0) return undefined;
    const root = partRef(state, 0);
    const parent = partRef(state, k - 1);
    if (!root || !parent) throw new PublishError('permanent', 'missing_parent', `part ${k} of the thread has no published post to reply to`);
    return { root, parent };
  }

  function withPost(ctx: PublishContext, k: number, ref: StrongRef): PublishState {
    const state: PublishState = { ...ctx.state, data: { ...ctx.state.data, parts: { ...partsOf(ctx.state), [k]: ref } as unknown as Json } };
    if (k > 0) return state;
    const handle = typeof ctx.account.metadata.handle === 'string' ? ctx.account.metadata.handle : ctx.account.platformAccountId;
    return { ...state, platformPostId: ref.uri, permalink: `https://bsky.app/profile/${handle}/post/${rkeyOf(ref.uri)}` };
  }

  function facetsOf(state: PublishState, text: string): Facet[] {
    const dids = didsOf(state);
    return detectFacets(text).flatMap((f): Facet[] => {
      const index = { byteStart: f.byteStart, byteEnd: f.byteEnd };
      if (f.kind === 'link') return [{ index, features: [{ $type: 'app.bsky.richtext.facet#link', uri: f.uri }] }];
      if (f.kind === 'tag') return [{ index, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: f.tag }] }];
      const did = dids[f.handle];
      return did ? [{ index, features: [{ $type: 'app.bsky.richtext.facet#mention', did }] }] : [];
    });
  }

  function embedOf(ctx: PublishContext, k: number, text: string) {
    const blobs = k === 0 ? Object.entries(blobsOf(ctx.state)).sort(([a], [b]) => Number(a) - Number(b)) : [];
    const video = blobs.find(([, blob]) => blob.mimeType.startsWith('video/'));
    if (video) {
      const alt = ctx.media[Number(video[0])]?.alt;
      return { $type: 'app.bsky.embed.video', video: video[1], ...(alt ? { alt } : {}) };
    }
    if (blobs.length > 0) {
      return { $type: 'app.bsky.embed.images', images: blobs.map(([i, blob]) => ({ image: blob, alt: ctx.media[Number(i)]?.alt ?? '' })) };
    }
    const link = detectFacets(text).find((f) => f.kind === 'link');
    if (link?.kind !== 'link') return undefined;
    // The card names the page by its address: Herald does not fetch pages on the user's behalf.
    const url = new URL(link.uri);
    return { $type: 'app.bsky.embed.external', external: { uri: link.uri, title: url.hostname, description: link.uri } };
  }

  /** Records with the exact text Herald's create k sent (and, for a part, the same parent), newer than `prepare`'s mark. */
  async function findPosted(ctx: PublishContext, k: number): Promise<StrongRef | undefined> {
    const since = typeof ctx.state.data.sinceRkey === 'string' ? ctx.state.data.sinceRkey : '';
    const parent = replyOf(ctx.state, k)?.parent.uri;
    const text = textOf(ctx, k);
    const a = await http.xrpc<{ records?: ListedRecord[] }>({
      method: 'GET', nsid: 'com.atproto.repo.listRecords', token: ctx.account.accessToken, signal: ctx.signal,
      query: { repo: ctx.account.platformAccountId, collection: POST, limit: '100' }, what: 'listRecords',
    });
    const found = (a.records ?? []).find((r) => typeof r.uri === 'string' && typeof r.cid === 'string' && rkeyOf(r.uri) > since
      && r.value?.text === text && (parent === undefined || r.value?.reply?.parent?.uri === parent));
    return found ? { uri: found.uri as string, cid: found.cid as string } : undefined;
  }

  /** The account's write points (an hour's and a day's), held across workers so a burst waits instead of meeting 429s. */
  async function holdWritePoints(ctx: PublishContext, k: number): Promise<void> {
    const holdId = `${ctx.targetId}:${k}`;
    const did = ctx.account.platformAccountId;
    const hour = await ctx.quota.acquire(`bluesky:points:hour:${did}`, { limit: o.writePointsPerHour, windowMs: HOUR_MS, holdId, count: CREATE_POINTS });
    if (!hour.ok) throw new PublishError('rate_limited', 'write_points_hour', `the Bluesky account spent its ${o.writePointsPerHour} write points of the hour`, hour.retryAfterMs);
    const day = await ctx.quota.acquire(`bluesky:points:day:${did}`, { limit: o.writePointsPerDay, windowMs: DAY_MS, holdId, count: CREATE_POINTS });
    if (!day.ok) throw new PublishError('rate_limited', 'write_points_day', `the Bluesky account spent its ${o.writePointsPerDay} write points of the day`, day.retryAfterMs);
  }

  async function create(ctx: PublishContext, k: number): Promise<StepOutcome> {
    if (partRef(ctx.state, k)) return { type: 'continue', state: ctx.state };
    await holdWritePoints(ctx, k);
    const text = textOf(ctx, k);
    const facets = facetsOf(ctx.state, text);
    const embed = embedOf(ctx, k, text);
    const reply = replyOf(ctx.state, k);
    const record = {
      $type: POST, text, createdAt: new Date().toISOString(),
      ...(facets.length > 0 ? { facets } : {}), ...(embed ? { embed } : {}), ...(reply ? { reply } : {}),
    };
    const a = await http.xrpc<{ uri?: unknown; cid?: unknown }>({
      method: 'POST', nsid: 'com.atproto.repo.createRecord', token: ctx.account.accessToken, signal: ctx.signal, commit: true,
      json: { repo: ctx.account.platformAccountId, collection: POST, record }, what: k === 0 ? 'createRecord' : `createRecord (thread part ${k})`,
    });
    if (typeof a.uri !== 'string' || typeof a.cid !== 'string') throw new PublishError('ambiguous', 'invalid_response', 'createRecord answered without uri and cid');
    return { type: 'continue', state: withPost(ctx, k, { uri: a.uri, cid: a.cid }) };
  }

  async function upload(ctx: PublishContext, index: number): Promise<StepOutcome> {
    if (blobsOf(ctx.state)[index]) return { type: 'continue', state: ctx.state };
    const media = ctx.media[index];
    if (!media) throw new PublishError('permanent', 'unknown_step', `the post has no media ${index}`);
    const video = media.contentType.startsWith('video/');
    const [what, max] = video ? ['video', MAX_VIDEO_BYTES] : ['image', MAX_IMAGE_BYTES];
    const tooLarge = (size: number) => new PublishError('permanent', `${what}_too_large`, `${what} ${index} has ${size} bytes; Bluesky takes ${what}s of at most ${max}`);
    if (media.sizeBytes !== undefined && media.sizeBytes > max) throw tooLarge(media.sizeBytes);
    const data = await readAll(media, ctx.signal);
    if (data.length > max) throw tooLarge(data.length);
    const a = await http.xrpc<{ blob?: BlobRef }>({
      method: 'POST', nsid: 'com.atproto.repo.uploadBlob', token: ctx.account.accessToken, signal: ctx.signal,
      bytes: { data, contentType: media.contentType }, what: `uploadBlob (${what} ${index})`,
    });
    if (a.blob?.$type !== 'blob' || typeof a.blob.ref?.$link !== 'string') throw new PublishError('transient', 'invalid_response', 'uploadBlob answered without a blob');
    const blob: BlobRef = { $type: 'blob', ref: { $link: a.blob.ref.$link }, mimeType: a.blob.mimeType, size: a.blob.size };
    return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, blobs: { ...blobsOf(ctx.state), [index]: blob } as unknown as Json } } };
  }

  async function prepare(ctx: PublishContext): Promise<StepOutcome> {
    if (typeof ctx.state.data.sinceRkey === 'string') return { type: 'continue', state: ctx.state };
    const newest = await http.xrpc<{ records?: { uri?: unknown }[] }>({
      method: 'GET', nsid: 'com.atproto.repo.listRecords', token: ctx.account.accessToken, signal: ctx.signal,
      query: { repo: ctx.account.platformAccountId, collection: POST, limit: '1' }, what: 'listRecords',
    });
    const uri = newest.records?.[0]?.uri;
    const sinceRkey = typeof uri === 'string' ? rkeyOf(uri) : '';
    const handles = new Set([ctx.text, ...threadParts(ctx.options)].flatMap((t) => detectFacets(t).flatMap((f) => (f.kind === 'mention' ? [f.handle] : []))));
    const dids: Record<string, string> = {};
    for (const handle of handles) {
      try {
        const a = await http.xrpc<{ did?: unknown }>({ method: 'GET', nsid: 'com.atproto.identity.resolveHandle', query: { handle }, signal: ctx.signal, what: `resolveHandle ${handle}` });
        if (typeof a.did === 'string') dids[handle] = a.did;
      } catch (err) {
        // An unknown handle is plain text; anything else (the service down) is worth another try.
        if (!(err instanceof PublishError && err.kind === 'permanent')) throw err;
      }
    }
    return { type: 'continue', state: { ...ctx.state, data: { ...ctx.state.data, sinceRkey, dids } } };
  }

  const absence = {
    kind: 'settle_window', ...o.settleWindow,
    basis: 'Bluesky documents no idempotency key and no deadline for createRecord: a slow create may still land',
  } as const;

  return {
    plan(target) {
      const parts = threadParts(target.options).length;
      return [
        { name: 'prepare', kind: 'prepare', status: 'preparing' },
        ...target.media.map((_, i): PublishStepSpec => ({ name: `media.${i}.upload`, kind: 'transfer', status: 'uploading' })),
        { name: 'post', kind: 'commit', status: 'submitting', absence },
        ...Array.from({ length: parts }, (_, i): PublishStepSpec => ({ name: `part.${i + 1}.post`, kind: 'commit', status: 'submitting', absence })),
      ];
    },

    async runStep(step, ctx) {
      if (step === 'prepare') return prepare(ctx);
      if (step === 'post') return create(ctx, 0);
      const u = UPLOAD_STEP.exec(step);
      if (u) return upload(ctx, Number(u[1]));
      const p = PART_STEP.exec(step);
      if (p) return create(ctx, Number(p[1]));
      throw new PublishError('permanent', 'unknown_step', `bluesky has no publish step ${step}`);
    },

    async reconcile(step, ctx): Promise<ReconcileOutcome> {
      const k = step === 'post' ? 0 : Number(PART_STEP.exec(step)?.[1] ?? -1);
      if (k < 0) throw new PublishError('permanent', 'unknown_step', `bluesky has no commit step ${step}`);
      const found = await findPosted(ctx, k);
      return found ? { type: 'applied', state: withPost(ctx, k, found) } : { type: 'not_applied' };
    },
  };
}
