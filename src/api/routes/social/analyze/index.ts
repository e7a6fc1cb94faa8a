// POST /api/social/analyze/content: per target platform, deterministic checks first (length as the platform counts
// it, where the feed cuts the text, hashtags, mentions, links that are not clickable, emoji density, media against
// the platform's limits, readability), all from the provider registry; then, when a model is configured, a short
// critique whose rewrites are brought within the limits like generated captions.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createModelClient } from '../../../../ai/model-client.js';
import { withModel } from '../../../../ai/model-errors.js';
import type { PlatformProvider } from '../../../../platforms/provider.js';
import { matchesMediaType } from '../../../../storage/media-types.js';
import { validationFailed } from '../../../errors.js';
import { errorResponses } from '../../../schemas/common.js';
import { limitProblems, measure, trimToLimits } from '../generate/fit-to-limits.js';
import { analyzeRequestSchema, analyzeResponseSchema, modelCritiqueSchema, type platformAnalysisSchema } from './analyze-schemas.js';
import { emojiCount, links, mentionCount, readability } from './text-metrics.js';
import type { z } from 'zod';

type Analysis = z.infer<typeof platformAnalysisSchema>;
type Body = z.infer<typeof analyzeRequestSchema>;

function checks(body: Body, provider: PlatformProvider): Omit<Analysis, 'critique'> {
  const { limits, displayName } = provider;
  const m = measure(body.content, body.hashtags, provider);
  const chars = [...body.content].length;
  const found = links(body.content);
  const mentions = mentionCount(body.content);
  const emoji = emojiCount(body.content);
  const unsupportedTypes = body.media.map((x) => x.contentType).filter((type) => !matchesMediaType(type, limits.mediaTypes));
  const cut = limits.feedPreviewLength;
  const issues: Analysis['issues'] = limitProblems(body.content, body.hashtags, provider).map((message) => ({ rule: 'limit', severity: 'refused' as const, message }));
  if (cut !== undefined && chars > cut) issues.push({ rule: 'feed_cut', severity: 'advice', message: `${displayName}'s feed shows about ${cut} characters before "more"; put the point first` });
  if (limits.maxMentions !== undefined && mentions > limits.maxMentions) issues.push({ rule: 'max_mentions', severity: 'refused', message: `${displayName} allows at most ${limits.maxMentions} mentions; this has ${mentions}` });
  if (found.length > 0 && limits.linksNotClickable) issues.push({ rule: 'link_not_clickable', severity: 'advice', message: `links in ${displayName} text are not clickable; point to a link elsewhere (e.g. the profile)` });
  if (body.media.length < limits.minMedia || body.media.length > limits.maxMedia) {
    issues.push({ rule: 'media_count', severity: 'refused', message: `${displayName} takes ${limits.minMedia} to ${limits.maxMedia} media items; this has ${body.media.length}` });
  }
  for (const type of unsupportedTypes) issues.push({ rule: 'media_type', severity: 'refused', message: `${displayName} does not accept ${type}` });
  return {
    platform: provider.id,
    length: m.textLength,
    maxTextLength: limits.maxTextLength,
    feedPreviewLength: cut ?? null,
    feedPreview: cut !== undefined && chars > cut ? [...body.content].slice(0, cut).join('') : null,
    hashtagCount: m.hashtagCount,
    maxHashtags: limits.maxHashtags,
    mentionCount: mentions,
    maxMentions: limits.maxMentions ?? null,
    links: found,
    linksClickable: !limits.linksNotClickable,
    emojiCount: emoji,
    emojiDensity: chars === 0 ? 0 : Math.round((emoji / chars) * 10_000) / 100,
    media: { count: body.media.length, min: limits.minMedia, max: limits.maxMedia, unsupportedTypes },
    issues,
  };
}

const analyzeRoutes: FastifyPluginAsyncZod = async (app) => {
  const model = createModelClient(app.config, app.metrics.ai);

  app.post('/api/social/analyze/content', {
    schema: {
      tags: ['writing'], summary: 'Checks a text against each platform\'s limits and habits, with a model\'s critique when one is configured',
      body: analyzeRequestSchema,
      response: { 200: analyzeResponseSchema.describe('Per-platform findings and the text\'s readability'), ...errorResponses(400, 401, 429, 502) },
    },
  }, async (request) => {
    const body = request.body;
    const issues = body.platforms.flatMap((name, i) => (app.providers.has(name) ? []
      : [{ field: `platforms.${i}`, rule: 'platform_available', message: `platform "${name}" is not enabled on this server` }]));
    if (issues.length > 0) throw validationFailed(issues);
    const providers = [...new Map(body.platforms.map((n) => app.providers.get(n)).map((p) => [p.id, p])).values()];

    const data = await withModel(() => Promise.all(providers.map(async (provider): Promise<Analysis> => {
      const found = checks(body, provider);
      if (!model) return { ...found, critique: null };
      const answer = await model.generate({
        purpose: 'critique', schemaName: 'critique', schema: modelCritiqueSchema, log: request.log,
        messages: [
          { role: 'system', content: 'You are a social media editor. Give a one-sentence critique and up to 3 concrete rewrites that fit the limits. Answer only with JSON matching the schema.' },
          {
            role: 'user',
            content: [
              `Platform: ${provider.displayName}`, `Language: ${body.language}`, `Maximum length: ${provider.limits.maxTextLength}`,
              `Findings: ${found.issues.map((x) => x.message).join('; ') || 'none'}`, `Content: ${body.content.replace(/\n/g, ' ')}`,
            ].join('\n'),
          },
        ],
      });
      return {
        ...found,
        critique: {
          summary: answer.summary,
          rewrites: answer.rewrites.map((r) => {
            const fitted = trimToLimits(r.text, body.hashtags, provider);
            return { text: fitted.text, reason: r.reason, length: fitted.length };
          }),
        },
      };
    })));
    return { readability: { language: body.language, ...readability(body.content, body.language) }, data, model: model?.model ?? null };
  });
};

export default analyzeRoutes;
