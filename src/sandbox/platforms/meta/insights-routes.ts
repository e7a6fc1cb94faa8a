// Instagram insights on the simulated Graph API (§4.9, §4.10), one route for both node types:
//   GET /{ver}/{ig-media-id}/insights?metric=<list>[&period=lifetime]
//       `{ data: [{ name, period: "lifetime", values: [{ value }], title, description, id }] }`; an empty data
//       array when Meta "has no data"; (#10) "Not enough viewers" below the privacy threshold (control API).
//   GET /{ver}/{ig-user-id}/insights?metric=<list>&period=day[&metric_type=time_series|total_value][&since&until]
//       time series `values: [{ value, end_time }]` per UTC day (end_time = the end of that day), or
//       `total_value: { value }` over the range. follower_count only as a day series and only for accounts with at
//       least 100 followers (none otherwise); views and the interaction metrics only as total_value; since/until at
//       most 30 days apart.
// Both need instagram_manage_insights (else #10). Deprecated metric names (impressions, plays, video_views,
// profile_views, ...) answer (#100) "no longer supported"; unknown names (#100) as well. Usage headers come from
// GraphAuth, keyed by the IG user that owns the node.
// Also the IG user node itself (`GET /{ver}/{ig-user-id}?fields=...`, served through instagram-routes' generic
// node route: see `igUserNode`), and the control API under /__sandbox/meta (`insightsControlRoutes`).
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { parseOr400, sendError } from '../../core/errors.js';
import type { GraphAuth } from './auth.js';
import { sendGraphError, type GraphErrorSpec } from './envelope.js';
import {
  accountDayValue, ACCOUNT_TIME_SERIES_METRICS, ACCOUNT_TOTAL_VALUE_METRICS, DEPRECATED_METRICS, followersCount, MEDIA_METRICS,
  mediaMetrics, utcDay,
} from './insights-data.js';
import type { PageObjects } from './pages-routes.js';
import type { ResolvedMetaOptions } from './options.js';
import { newGraphId, type MetaStore } from './store.js';

type Params = Record<string, string | undefined>;

const DAY_MS = 86_400_000;
const MAX_RANGE_S = 30 * 86_400;
const graphTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
const titleOf = (name: string) => name.split('_').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');

const notFound = (id: string): GraphErrorSpec => ({
  code: 100, subcode: 33,
  message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
});

/** The metric list, or the (#100) error for a missing, deprecated or unknown name. */
function parseMetrics(raw: string | undefined, known: (m: string) => boolean): { metrics: string[] } | { error: GraphErrorSpec } {
  const metrics = (raw ?? '').split(',').map((m) => m.trim()).filter(Boolean);
  if (metrics.length === 0) return { error: { code: 100, message: '(#100) The parameter metric is required' } };
  for (const [i, m] of metrics.entries()) {
    const replacement = DEPRECATED_METRICS.get(m);
    if (replacement) {
      return { error: { code: 100, message: `(#100) The ${m} metric is no longer supported (deprecated); use ${replacement} instead.` } };
    }
    if (!known(m)) return { error: { code: 100, message: `(#100) metric[${i}] must be one of the supported metrics; ${m} is not` } };
  }
  return { metrics };
}

/** `GET /{ig-user-id}?fields=...` for an IG user the sandbox user reaches; undefined when the id is not one. */
export function igUserNode(store: MetaStore, options: ResolvedMetaOptions, id: string, fieldsParam: string | undefined):
  { body: Record<string, unknown> } | { error: GraphErrorSpec } | undefined {
  const ig = options.user.pages.find((p) => p.instagram?.id === id)?.instagram;
  if (!ig) return undefined;
  const values: Record<string, () => unknown> = {
    id: () => ig.id, ig_id: () => Number(ig.id.slice(-10)), username: () => ig.username, name: () => ig.username,
    followers_count: () => followersCount(store, ig.id), follows_count: () => 100 + ((followersCount(store, ig.id) * 7) % 400),
    media_count: () => [...store.media.values()].filter((m) => m.igUserId === ig.id).length,
    biography: () => 'Posts from the Herald sandbox', website: () => 'https://herald.example',
    profile_picture_url: () => `https://sandbox.cdninstagram.example/${ig.username}.jpg`,
  };
  const fields = (fieldsParam ?? 'id').split(',').map((f) => f.trim()).filter(Boolean);
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const get = values[f];
    if (!get) return { error: { code: 100, message: `(#100) Tried accessing nonexisting field (${f}) on node type (IGUser)` } };
    body[f] = get();
  }
  if (!('id' in body)) body.id = ig.id;
  return { body };
}

export function insightsRoutes(store: MetaStore, options: ResolvedMetaOptions, auth: GraphAuth, pages: PageObjects): FastifyPluginAsync {
  const ownsIgUser = (id: string) => options.user.pages.some((p) => p.instagram?.id === id);

  function mediaInsights(mediaId: string, q: Params, reply: FastifyReply) {
    const media = store.media.get(mediaId);
    if (!media || !ownsIgUser(media.igUserId)) return sendGraphError(reply, notFound(mediaId));
    if (q.period !== undefined && q.period !== 'lifetime') {
      return sendGraphError(reply, { code: 100, message: `(#100) period must be lifetime for media insights, got ${q.period}` });
    }
    const parsed = parseMetrics(q.metric, (m) => MEDIA_METRICS.has(m));
    if ('error' in parsed) return sendGraphError(reply, parsed.error);
    const reels = new Set(['ig_reels_avg_watch_time', 'ig_reels_video_view_total_time']);
    const wrongType = parsed.metrics.find((m) => reels.has(m) && media.productType !== 'REELS');
    if (wrongType) {
      return sendGraphError(reply, { code: 100, message: `(#100) The Media Insights API does not support the ${wrongType} metric for this media product type.` });
    }
    const set = store.mediaInsights.get(mediaId);
    if (set?.notEnoughViewers) return sendGraphError(reply, { code: 10, message: '(#10) Not enough viewers for the media to show insights', isTransient: false });
    if (set?.noData) return { data: [] };
    const values = mediaMetrics(store, media);
    return {
      data: parsed.metrics.map((name) => ({
        name, period: 'lifetime', values: [{ value: values[name] ?? 0 }], title: titleOf(name),
        description: `Lifetime ${name.replace(/_/g, ' ')} of the media`, id: `${mediaId}/insights/${name}/lifetime`,
      })),
    };
  }

  function accountInsights(igUserId: string, q: Params, reply: FastifyReply) {
    const type = q.metric_type ?? 'time_series';
    if (type !== 'time_series' && type !== 'total_value') return sendGraphError(reply, { code: 100, message: `(#100) metric_type must be time_series or total_value` });
    const known = type === 'total_value' ? ACCOUNT_TOTAL_VALUE_METRICS : ACCOUNT_TIME_SERIES_METRICS;
    const parsed = parseMetrics(q.metric, (m) => ACCOUNT_TIME_SERIES_METRICS.has(m) || ACCOUNT_TOTAL_VALUE_METRICS.has(m));
    if ('error' in parsed) return sendGraphError(reply, parsed.error);
    const incompatible = parsed.metrics.filter((m) => !known.has(m));
    if (incompatible.length > 0) {
      return sendGraphError(reply, type === 'time_series'
        ? { code: 100, message: `(#100) The following metrics (${incompatible.join(', ')}) should be specified with parameter metric_type=total_value` }
        : { code: 100, message: `(#100) The following metrics (${incompatible.join(', ')}) do not support metric_type=total_value` });
    }
    if (!q.period) return sendGraphError(reply, { code: 100, message: '(#100) The parameter period is required' });
    if (q.period !== 'day') return sendGraphError(reply, { code: 100, message: `(#100) Incompatible period (${q.period}) for the requested metrics; use day` });
    const nowS = Math.floor(Date.now() / 1000);
    const until = q.until !== undefined ? Number(q.until) : nowS;
    const since = q.since !== undefined ? Number(q.since) : until - 2 * 86_400;
    if (!Number.isInteger(since) || !Number.isInteger(until) || since > until) {
      return sendGraphError(reply, { code: 100, message: '(#100) since and until must be unix timestamps with since <= until' });
    }
    if (until - since > MAX_RANGE_S) {
      return sendGraphError(reply, { code: 100, message: `(#100) There cannot be more than 30 days (${MAX_RANGE_S} s) between since and until` });
    }
    const days: string[] = [];
    for (let t = Math.floor((since * 1000) / DAY_MS) * DAY_MS; t < until * 1000; t += DAY_MS) days.push(utcDay(t));
    const enoughFollowers = followersCount(store, igUserId) >= 100;
    const data = parsed.metrics
      // follower_count is not available below 100 followers (§4.10): no entry, like any metric without data.
      .filter((name) => name !== 'follower_count' || enoughFollowers)
      .map((name) => {
        const base = { name, period: 'day', title: titleOf(name), description: `Daily ${name.replace(/_/g, ' ')} of the account`, id: `${igUserId}/insights/${name}/day` };
        if (type === 'total_value') return { ...base, total_value: { value: days.reduce((sum, d) => sum + accountDayValue(store, igUserId, d, name), 0) } };
        return { ...base, values: days.map((d) => ({ value: accountDayValue(store, igUserId, d, name), end_time: graphTime(Date.parse(`${d}T00:00:00Z`) + DAY_MS) })) };
      });
    return { data };
  }

  return async (app) => {
    app.get('/:ver/:nodeId/insights', async (request, reply) => {
      const { nodeId = '' } = request.params as Params;
      // Facebook Pages and their posts share this path (pages-routes.ts).
      if (pages.owns(nodeId)) return pages.insights(nodeId, request, reply);
      const q = request.query as Params;
      const owner = ownsIgUser(nodeId) ? nodeId : store.media.get(nodeId)?.igUserId;
      const t = auth.check(request, reply, owner);
      if (!t || !auth.requireScope(t, reply, 'instagram_manage_insights')) return reply;
      if (ownsIgUser(nodeId)) return accountInsights(nodeId, q, reply);
      return mediaInsights(nodeId, q, reply);
    });
  };
}

const mediaMetricsBody = z.object({
  metrics: z.record(z.string(), z.number().int().min(0)).optional(),
  notEnoughViewers: z.boolean().optional(),
  noData: z.boolean().optional(),
}).strict();

const accountBody = z.object({
  followersCount: z.number().int().min(0).optional(),
  days: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.object({
    follower_count: z.number().int().min(0).optional(), reach: z.number().int().min(0).optional(), views: z.number().int().min(0).optional(),
  }).strict()).optional(),
}).strict();

/**
 * Control API (/__sandbox/meta):
 *   POST   /media                       { igUserId?, caption?, productType?, publishedAt? } a published media, as if
 *                                       posted in the app (tests that insert published targets without publishing)
 *   PUT    /media/:mediaId/insights     { metrics?: { views: 10, saved: 2, ... }, notEnoughViewers?, noData? }
 *   DELETE /media/:mediaId              the owner deleted the media (insights then answer "does not exist")
 *   PUT    /users/:igUserId/insights    { followersCount?, days?: { "YYYY-MM-DD": { follower_count?, reach?, views? } } }
 * Metric values merge into what was set before; unset ones keep their derived values.
 */
export function insightsControlRoutes(store: MetaStore, options: ResolvedMetaOptions): FastifyPluginAsync {
  return async (app) => {
    app.post('/media', async (request, reply) => {
      const body = parseOr400(z.object({
        igUserId: z.string().optional(), caption: z.string().default(''), productType: z.enum(['FEED', 'REELS']).default('FEED'),
        publishedAt: z.iso.datetime().optional(),
      }).strict(), request.body ?? {}, reply);
      if (!body) return reply;
      const igUserId = body.igUserId ?? options.user.pages.find((p) => p.instagram)?.instagram?.id;
      if (!igUserId || !options.user.pages.some((p) => p.instagram?.id === igUserId)) return sendError(reply, 404, 'not_found', `no IG user ${body.igUserId ?? ''}`);
      const id = newGraphId();
      store.media.set(id, {
        id, igUserId, containerId: newGraphId(), caption: body.caption, mediaType: body.productType === 'REELS' ? 'VIDEO' : 'IMAGE',
        productType: body.productType, timestamp: body.publishedAt ? Date.parse(body.publishedAt) : Date.now(),
        permalink: `https://www.instagram.com/p/${Buffer.from(id).toString('base64url').slice(0, 11)}/`,
      });
      return reply.code(201).send({ id });
    });

    app.put<{ Params: { mediaId: string } }>('/media/:mediaId/insights', async (request, reply) => {
      const body = parseOr400(mediaMetricsBody, request.body ?? {}, reply);
      if (!body) return reply;
      const media = store.media.get(request.params.mediaId);
      if (!media) return sendError(reply, 404, 'not_found', `no media ${request.params.mediaId}`);
      const unknown = Object.keys(body.metrics ?? {}).filter((m) => !MEDIA_METRICS.has(m));
      if (unknown.length > 0) return sendError(reply, 400, 'invalid_request', `unknown media metrics: ${unknown.join(', ')}`);
      const prev = store.mediaInsights.get(media.id) ?? { metrics: {} };
      const next = {
        metrics: { ...prev.metrics, ...body.metrics },
        ...(body.notEnoughViewers ?? prev.notEnoughViewers ? { notEnoughViewers: body.notEnoughViewers ?? prev.notEnoughViewers } : {}),
        ...(body.noData ?? prev.noData ? { noData: body.noData ?? prev.noData } : {}),
      };
      store.mediaInsights.set(media.id, next);
      return { mediaId: media.id, ...next, current: mediaMetrics(store, media) };
    });

    app.delete<{ Params: { mediaId: string } }>('/media/:mediaId', async (request, reply) => {
      if (!store.media.delete(request.params.mediaId)) return sendError(reply, 404, 'not_found', `no media ${request.params.mediaId}`);
      store.mediaInsights.delete(request.params.mediaId);
      return reply.code(204).send();
    });

    app.put<{ Params: { igUserId: string } }>('/users/:igUserId/insights', async (request, reply) => {
      const body = parseOr400(accountBody, request.body ?? {}, reply);
      if (!body) return reply;
      const { igUserId } = request.params;
      if (!options.user.pages.some((p) => p.instagram?.id === igUserId)) return sendError(reply, 404, 'not_found', `no IG user ${igUserId}`);
      const prev = store.accountInsights.get(igUserId) ?? { days: {} };
      const days = { ...prev.days };
      for (const [d, v] of Object.entries(body.days ?? {})) days[d] = { ...days[d], ...v };
      const next = { ...prev, ...(body.followersCount !== undefined ? { followersCount: body.followersCount } : {}), days };
      store.accountInsights.set(igUserId, next);
      return { igUserId, followersCount: followersCount(store, igUserId), days };
    });
  };
}
