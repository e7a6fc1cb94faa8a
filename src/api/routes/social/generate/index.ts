// Writing help that produces text: POST /api/social/generate/caption (one caption per platform, within its limits)
// and POST /api/social/generate/hashtags (the user's own well-performing hashtags first, then the model's).
// Needs a language model (AI_BASE_URL): 503 ai_not_configured without one, 502 ai_failed when it cannot answer.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createModelClient } from '../../../../ai/model-client.js';
import { requireModel, withModel } from '../../../../ai/model-errors.js';
import type { PlatformProvider } from '../../../../platforms/provider.js';
import { invalid, validationFailed } from '../../../errors.js';
import { errorResponses } from '../../../schemas/common.js';
import { findOwnedAccounts } from '../accounts/account-repository.js';
import { writeCaptions } from './caption-writer.js';
import { normalizeHashtags } from './fit-to-limits.js';
import {
  captionRequestSchema, captionResponseSchema, hashtagRequestSchema, hashtagResponseSchema, modelHashtagsSchema,
} from './generate-schemas.js';
import { wellPerformingHashtags } from './hashtag-history.js';

const tags = ['writing'];

const generateRoutes: FastifyPluginAsyncZod = async (app) => {
  const model = createModelClient(app.config, app.metrics.ai);

  app.post('/api/social/generate/caption', {
    schema: {
      tags, summary: 'Captions for each target platform, within its length and hashtag limits',
      body: captionRequestSchema,
      response: { 200: captionResponseSchema.describe('Captions per platform, each within its limits'), ...errorResponses(400, 401, 429, 502, 503) },
    },
  }, async (request) => {
    const body = request.body;
    if ((body.accountIds === undefined) === (body.platforms === undefined)) {
      throw invalid('accountIds', 'one_of', 'give either accountIds or platforms (exactly one of them)');
    }
    // Platform -> the requested accounts on it, in request order.
    const targets = new Map<string, { provider: PlatformProvider; accountIds: string[] }>();
    if (body.platforms) {
      const issues = body.platforms.flatMap((name, i) => (app.providers.has(name) ? []
        : [{ field: `platforms.${i}`, rule: 'platform_available', message: `platform "${name}" is not enabled on this server` }]));
      if (issues.length > 0) throw validationFailed(issues);
      for (const name of body.platforms) {
        const provider = app.providers.get(name);
        if (!targets.has(provider.id)) targets.set(provider.id, { provider, accountIds: [] });
      }
    } else {
      const owned = new Map((await findOwnedAccounts(app.database.db, request.user.id, body.accountIds!)).map((a) => [a.id, a]));
      const issues = body.accountIds!.flatMap((id, i) => {
        const account = owned.get(id);
        if (!account) return [{ field: `accountIds.${i}`, rule: 'owned_account', message: 'no such connected account' }];
        if (!app.providers.has(account.platform)) return [{ field: `accountIds.${i}`, rule: 'platform_available', message: `platform "${account.platform}" is not enabled on this server` }];
        return [];
      });
      if (issues.length > 0) throw validationFailed(issues);
      for (const id of body.accountIds!) {
        const provider = app.providers.get(owned.get(id)!.platform);
        const entry = targets.get(provider.id) ?? { provider, accountIds: [] };
        if (!entry.accountIds.includes(id)) entry.accountIds.push(id);
        targets.set(provider.id, entry);
      }
    }

    const client = requireModel(model);
    const data = await withModel(() => Promise.all([...targets.values()].map(async ({ provider, accountIds }) => ({
      platform: provider.id,
      accountIds,
      limits: { maxTextLength: provider.limits.maxTextLength, maxHashtags: provider.limits.maxHashtags },
      captions: await writeCaptions(client, provider, body, request.log),
    }))));
    return { data, model: client.model };
  });

  app.post('/api/social/generate/hashtags', {
    schema: {
      tags, summary: 'Hashtags for a text on one platform: your own that performed well first, then a mix of broad and specific',
      body: hashtagRequestSchema,
      response: { 200: hashtagResponseSchema.describe('At most `count` hashtags, within the platform\'s limit'), ...errorResponses(400, 401, 429, 502, 503) },
    },
  }, async (request) => {
    const { content, platform: name, count } = request.body;
    if (!app.providers.has(name)) throw invalid('platform', 'platform_available', `platform "${name}" is not enabled on this server`);
    const provider = app.providers.get(name);
    const max = provider.limits.maxHashtags;
    if (count !== undefined && count > max) throw invalid('count', 'max_hashtags', `${provider.displayName} allows at most ${max} hashtags`);
    const wanted = count ?? Math.min(max, 5);
    const client = requireModel(model);

    // Own performers fill at most half, so the answer is still a mix with fresh broad and specific tags.
    const history = await wellPerformingHashtags(app.database.db, request.user.id, provider.id, Math.ceil(wanted / 2));
    const answer = await withModel(() => client.generate({
      purpose: 'hashtags', schemaName: 'hashtags', schema: modelHashtagsSchema, log: request.log,
      messages: [
        { role: 'system', content: 'You suggest social media hashtags: a mix of broad, popular ones and ones specific to the text. Answer only with JSON matching the schema; tags without #.' },
        { role: 'user', content: [`Platform: ${provider.displayName}`, `Count: ${wanted}`, `Maximum hashtags: ${max}`, `Content: ${content}`].join('\n') },
      ],
    }));
    const seen = new Set(history.map((h) => h.tag.toLowerCase()));
    const suggested = answer.hashtags.flatMap((h) => {
      const [tag] = normalizeHashtags([h.tag]);
      if (!tag || seen.has(tag.toLowerCase())) return [];
      seen.add(tag.toLowerCase());
      return [{ tag, source: 'model' as const, kind: h.kind, engagementRate: null }];
    });
    const hashtags = [
      ...history.map((h) => ({ tag: h.tag, source: 'history' as const, kind: null, engagementRate: h.engagementRate })),
      ...suggested,
    ].slice(0, wanted);
    return { platform: provider.id, maxHashtags: max, hashtags, model: client.model };
  });
};

export default generateRoutes;
