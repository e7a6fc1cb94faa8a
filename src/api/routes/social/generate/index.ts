// Writing help that produces text: POST /api/social/generate/caption (one caption per platform, within its limits).
// Needs a language model (AI_BASE_URL): 503 ai_not_configured without one, 502 ai_failed when it cannot answer.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createModelClient, ModelCallError, type ModelClient } from '../../../../ai/model-client.js';
import { aiFailed, aiNotConfigured } from '../../../../ai/model-errors.js';
import type { PlatformProvider } from '../../../../platforms/provider.js';
import { invalid, validationFailed } from '../../../errors.js';
import { errorResponses } from '../../../schemas/common.js';
import { findOwnedAccounts } from '../accounts/account-repository.js';
import { writeCaptions } from './caption-writer.js';
import { captionRequestSchema, captionResponseSchema } from './generate-schemas.js';

const tags = ['writing'];

/** The model, or 503 when none is configured. */
export function requireModel(model: ModelClient | undefined): ModelClient {
  if (!model) throw aiNotConfigured();
  return model;
}

/** Model failures become 502 ai_failed; everything else passes through. */
export async function withModel<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ModelCallError) throw aiFailed(err.message);
    throw err;
  }
}

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
};

export default generateRoutes;
