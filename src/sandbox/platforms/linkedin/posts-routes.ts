// LinkedIn pages and posts: organizationAcls (q=roleAssignee: the pages the member has a role on) and organizations,
// POST /rest/posts (§2.6: the five required fields answered 422 in the `ERROR :: /field :: …` format, commentary read
// as little text (§2.7, see little-text.ts), media that must be AVAILABLE, an optional 422 for duplicates, 201 with
// the URN in x-restli-id and no body), the author's posts newest first (q=author) and by URN, and the numbers:
// socialActions (likes / comments summaries) and organizationalEntityShareStatistics (lifetime totals per share).
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { authorize, authorsOf, requireScope, sendLinkedinError } from './auth.js';
import { readLittleText } from './little-text.js';
import type { ResolvedLinkedinSandboxOptions } from './options.js';
import type { LinkedinPost, LinkedinStore } from './store.js';

const MAX_COMMENTARY = 3000;
const REQUIRED = ['author', 'commentary', 'visibility', 'distribution', 'lifecycleState'] as const;
const VISIBILITIES = ['PUBLIC', 'CONNECTIONS', 'LOGGED_IN'];
type Body = Record<string, unknown>;

function postView(p: LinkedinPost) {
  return {
    id: p.urn, author: p.author, commentary: p.commentary, visibility: p.visibility,
    distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
    lifecycleState: 'PUBLISHED', isReshareDisabledByAuthor: false, createdAt: p.createdAt, publishedAt: p.createdAt, lastModifiedAt: p.createdAt,
    ...(p.content ? { content: p.content } : {}),
  };
}

const unprocessable = (reply: FastifyReply, lines: string[]) => sendLinkedinError(reply, { status: 422, message: lines.map((l) => `ERROR :: ${l}\n`).join('') });

export function postsRoutes(store: LinkedinStore, options: ResolvedLinkedinSandboxOptions): FastifyPluginAsync {
  /** A media URN usable in a post by `author`: known, the author's, AVAILABLE. */
  function mediaProblem(id: unknown, author: string): string | undefined {
    if (typeof id !== 'string') return 'media id is required';
    const asset = store.images.get(id) ?? store.videos.get(id);
    if (!asset || asset.owner !== author) return `${id} does not exist or is not owned by ${author}`;
    const status = store.images.has(id) ? store.imageStatus(store.images.get(id)!) : store.videoStatus(store.videos.get(id)!);
    if (status === 'WAITING_UPLOAD') return `MEDIA_ASSET_WAITING_UPLOAD: ${id}`;
    if (status === 'PROCESSING') return `MEDIA_ASSET_PROCESSING: ${id}`;
    return undefined;
  }

  function contentProblem(content: unknown, author: string): string | undefined {
    if (content === undefined) return undefined;
    if (!content || typeof content !== 'object') return '/content :: must be a record';
    const c = content as Body;
    if (c.media !== undefined) {
      const problem = mediaProblem((c.media as Body | null)?.id, author);
      return problem ? `/content/media/id :: ${problem}` : undefined;
    }
    if (c.multiImage !== undefined) {
      const images = (c.multiImage as Body | null)?.images;
      if (!Array.isArray(images) || images.length < 2 || images.length > 20) return '/content/multiImage/images :: must hold 2 to 20 images';
      for (const [i, image] of images.entries()) {
        const problem = mediaProblem((image as Body | null)?.id, author);
        if (problem) return `/content/multiImage/images/${i}/id :: ${problem}`;
      }
      return undefined;
    }
    if (c.article !== undefined) {
      const a = (c.article ?? {}) as Body;
      if (typeof a.source !== 'string' || !/^https?:\/\/\S+$/.test(a.source)) return '/content/article/source :: must be an http(s) URL';
      if (typeof a.title !== 'string' || a.title === '') return '/content/article/title :: field is required but not found and has no default value';
      if (a.thumbnail !== undefined) {
        const problem = mediaProblem(a.thumbnail, author);
        if (problem) return `/content/article/thumbnail :: ${problem}`;
      }
      return undefined;
    }
    return '/content :: must hold media, multiImage or article';
  }

  return async (app) => {
    app.get('/rest/organizationAcls', async (request, reply) => {
      const t = authorize(store, options, request, reply);
      if (!t) return reply;
      const q = request.query as Record<string, string | undefined>;
      if (q.q !== 'roleAssignee') return sendLinkedinError(reply, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'q must be roleAssignee' });
      const elements = options.member.organizations
        .filter((o) => !q.role || o.role === q.role)
        .map((o) => ({ roleAssignee: `urn:li:person:${t.sub}`, role: o.role, state: 'APPROVED', organization: `urn:li:organization:${o.id}` }));
      return { elements, paging: { start: 0, count: elements.length, links: [], total: elements.length } };
    });

    app.get('/rest/organizations/:id', async (request, reply) => {
      const t = authorize(store, options, request, reply);
      if (!t) return reply;
      const o = options.member.organizations.find((x) => x.id === (request.params as { id: string }).id);
      if (!o) return sendLinkedinError(reply, { status: 404, message: 'Not Found' });
      return { id: Number(o.id), localizedName: o.localizedName, vanityName: o.vanityName };
    });

    app.post('/rest/posts', async (request, reply) => {
      const t = authorize(store, options, request, reply);
      if (!t) return reply;
      const body = request.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) return sendLinkedinError(reply, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'Request body could not be converted to data map' });
      const b = body as Body;
      const missing = REQUIRED.filter((f) => b[f] === undefined || b[f] === null);
      if (missing.length > 0) return unprocessable(reply, missing.map((f) => `/${f} :: field is required but not found and has no default value`));
      const author = b.author;
      if (typeof author !== 'string' || !/^urn:li:(person|organization):/.test(author)) return unprocessable(reply, ['/author :: must be a person or organization URN']);
      if (!requireScope(t, reply, author.startsWith('urn:li:person:') ? 'w_member_social' : 'w_organization_social', 'POST /posts')) return reply;
      if (!authorsOf(t, options).includes(author)) return sendLinkedinError(reply, { status: 403, serviceErrorCode: 100, message: `Not enough permissions to post as ${author}` });
      if (typeof b.commentary !== 'string') return unprocessable(reply, ['/commentary :: must be a string']);
      if (b.commentary.length > MAX_COMMENTARY) return unprocessable(reply, [`/commentary :: length ${b.commentary.length} exceeds maximum allowed ${MAX_COMMENTARY}`]);
      if (typeof b.visibility !== 'string' || !VISIBILITIES.includes(b.visibility)) return unprocessable(reply, [`/visibility :: must be one of ${VISIBILITIES.join(', ')}`]);
      if (b.lifecycleState !== 'PUBLISHED') return unprocessable(reply, ['/lifecycleState :: only PUBLISHED is supported by this sandbox']);
      const feed = (b.distribution as Body | null)?.feedDistribution;
      if (feed !== 'MAIN_FEED' && feed !== 'NONE') return unprocessable(reply, ['/distribution/feedDistribution :: must be MAIN_FEED or NONE']);
      const content = contentProblem(b.content, author);
      if (content) return unprocessable(reply, [content]);
      const reading = readLittleText(b.commentary);
      if (reading.unescapedAt !== undefined && options.unescapedCommentary === 'reject') {
        return unprocessable(reply, [`/commentary :: reserved character '${b.commentary[reading.unescapedAt]}' at ${reading.unescapedAt} must be escaped`]);
      }
      if (options.rejectDuplicates) {
        const same = [...store.posts.values()].find((p) => p.author === author && p.commentary === b.commentary && JSON.stringify(p.content) === JSON.stringify(b.content));
        if (same) return sendLinkedinError(reply, { status: 422, code: 'DUPLICATE_POST', message: `Content is a duplicate of ${same.urn}` });
      }
      const urn = store.newPostUrn();
      store.posts.set(urn, {
        urn, author, commentary: b.commentary, text: reading.text, visibility: b.visibility, createdAt: Date.now(),
        ...(b.content !== undefined ? { content: b.content as Record<string, unknown> } : {}),
      });
      return reply.code(201).header('x-restli-id', urn).send();
    });

    app.get('/rest/posts', async (request, reply) => {
      const t = authorize(store, options, request, reply);
      if (!t) return reply;
      const q = request.query as Record<string, string | undefined>;
      if (q.q !== 'author' || !q.author) return sendLinkedinError(reply, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'q=author with an author URN is required' });
      if (!authorsOf(t, options).includes(q.author)) return sendLinkedinError(reply, { status: 403, serviceErrorCode: 100, message: `Not enough permissions to access: GET /posts of ${q.author}` });
      const start = Math.max(0, Number(q.start ?? 0) || 0);
      const count = Math.min(100, Math.max(1, Number(q.count ?? 10) || 10));
      const mine = [...store.posts.values()].filter((p) => p.author === q.author).sort((a, b) => b.createdAt - a.createdAt);
      return { elements: mine.slice(start, start + count).map(postView), paging: { start, count, links: [], total: mine.length } };
    });

    app.get('/rest/posts/:urn', async (request, reply) => {
      const t = authorize(store, options, request, reply);
      if (!t) return reply;
      const p = store.posts.get((request.params as { urn: string }).urn);
      if (!p) return sendLinkedinError(reply, { status: 404, message: 'Not Found' });
      return postView(p);
    });

    for (const prefix of ['/v2', '/rest']) {
      app.get(`${prefix}/socialActions/:urn`, async (request, reply) => {
        const t = authorize(store, options, request, reply, prefix === '/rest');
        if (!t) return reply;
        const urn = (request.params as { urn: string }).urn;
        if (!store.posts.has(urn)) return sendLinkedinError(reply, { status: 404, message: `Not Found: ${urn}` });
        const e = store.engagement.get(urn);
        return {
          target: urn, likesSummary: { totalLikes: e?.likes ?? 0, likedByCurrentUser: false, aggregatedTotalLikes: e?.likes ?? 0 },
          commentsSummary: { totalFirstLevelComments: e?.comments ?? 0, aggregatedTotalComments: e?.comments ?? 0, commentsState: 'OPEN' },
        };
      });
    }

    app.get('/rest/organizationalEntityShareStatistics', async (request, reply) => {
      const t = authorize(store, options, request, reply);
      if (!t || !requireScope(t, reply, 'r_organization_social', 'GET /organizationalEntityShareStatistics')) return reply;
      const q = request.query as Record<string, string | undefined>;
      const org = q.organizationalEntity;
      if (q.q !== 'organizationalEntity' || !org || !authorsOf(t, options).includes(org) || !org.startsWith('urn:li:organization:')) {
        return sendLinkedinError(reply, { status: 403, serviceErrorCode: 100, message: 'Not enough permissions to access: GET /organizationalEntityShareStatistics' });
      }
      const list = /^List\((.*)\)$/.exec(q.shares ?? '')?.[1];
      const shares = list ? list.split(',').map((s) => decodeURIComponent(s)).filter((s) => store.posts.get(s)?.author === org) : [];
      return {
        elements: shares.map((share) => {
          const e = store.engagement.get(share);
          const impressions = e?.impressions ?? 0;
          const interactions = (e?.likes ?? 0) + (e?.comments ?? 0) + (e?.shares ?? 0) + (e?.clicks ?? 0);
          return {
            organizationalEntity: org, share,
            totalShareStatistics: {
              impressionCount: impressions, uniqueImpressionsCount: impressions, clickCount: e?.clicks ?? 0, likeCount: e?.likes ?? 0,
              commentCount: e?.comments ?? 0, shareCount: e?.shares ?? 0, engagement: impressions > 0 ? interactions / impressions : 0,
            },
          };
        }),
      };
    });
  };
}
