// The platforms this deployment publishes to, as a client needs them to build a post: names, how an account is
// connected, what each platform can do here, and the limits the post routes enforce. The limits come from the
// providers themselves, so a client (the dashboard, an agent) shows the server's rules instead of keeping a copy.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PlatformProvider } from '../../../../platforms/provider.js';
import { errorResponses } from '../../../schemas/common.js';

const platformSchema = z.object({
  id: z.string().describe('Provider id, used in every other route (e.g. `tiktok`)'),
  displayName: z.string(),
  aliases: z.array(z.string()).describe('Other names the routes accept for this platform (e.g. `twitter` for `x`); responses use `id`'),
  connect: z.enum(['oauth', 'credentials', 'none']).describe('`oauth`: GET /api/social/connect/:platform starts the authorization; `credentials`: POST /api/social/connect/:platform/credentials with `credentialFields`; `none`: accounts are provisioned by the operator'),
  credentialFields: z.array(z.object({
    name: z.string().describe('The key in the connect request\'s body'),
    label: z.string(),
    secret: z.boolean().describe('A password: mask it; Herald never shows it again'),
    maxLength: z.number().int(),
    description: z.string().nullable(),
    helpUrl: z.string().nullable().describe('Where the user learns what to enter (e.g. how to make an app password)'),
  })).describe('For `connect: credentials`: the fields of the connect form, in order; empty otherwise'),
  capabilities: z.object({
    insights: z.boolean().describe('Metrics are synced into the stats'),
    comments: z.boolean().describe('Comments arrive in the inbox and can be answered and hidden'),
    webhooks: z.boolean().describe('The platform reports events through signed webhooks'),
  }),
  limits: z.object({
    maxTextLength: z.number().int().describe('As the platform counts text (POST /api/social/posts/validate gives a text\'s length)'),
    maxHashtags: z.number().int(),
    maxMentions: z.number().int().nullable(),
    minMedia: z.number().int(),
    maxMedia: z.number().int(),
    mediaTypes: z.array(z.string()).describe('Accepted MIME types; `image/*` style wildcards'),
  }),
});

export const presentPlatform = (p: PlatformProvider): z.infer<typeof platformSchema> => ({
  id: p.id,
  displayName: p.displayName,
  aliases: [...(p.aliases ?? [])],
  connect: p.oauth ? 'oauth' : p.credentials ? 'credentials' : 'none',
  credentialFields: (p.credentials?.fields ?? []).map((f) => ({
    name: f.name, label: f.label, secret: f.secret, maxLength: f.maxLength, description: f.description ?? null, helpUrl: f.helpUrl ?? null,
  })),
  capabilities: { insights: p.insights !== undefined, comments: p.comments !== undefined, webhooks: p.webhooks !== undefined },
  limits: {
    maxTextLength: p.limits.maxTextLength,
    maxHashtags: p.limits.maxHashtags,
    maxMentions: p.limits.maxMentions ?? null,
    minMedia: p.limits.minMedia,
    maxMedia: p.limits.maxMedia,
    mediaTypes: [...p.limits.mediaTypes],
  },
});

const platformRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/social/platforms', {
    schema: {
      tags: ['platforms'], summary: 'The platforms this server publishes to, with their limits',
      response: { 200: z.object({ data: z.array(platformSchema) }).describe('Every enabled platform'), ...errorResponses(401, 429) },
    },
  }, async () => ({ data: app.providers.list().map(presentPlatform) }));
};

export default platformRoutes;
