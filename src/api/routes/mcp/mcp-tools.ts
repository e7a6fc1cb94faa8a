// The tools the MCP server offers. Each declares its input with zod (types and descriptions an agent reads) and is
// implemented by the API route that does the same thing (api-caller.ts): the route, not this file, holds the rules,
// so a tool refuses exactly what the HTTP API refuses, with the same error code, field and rule. The input schemas
// are therefore deliberately loose on values (an id is a string here, a uuid at the route).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApiCaller } from './api-caller.js';

const id = (what: string) => z.string().describe(`The ${what}'s id (a UUID)`);
const path = (value: string) => encodeURIComponent(value);

const scheduleFields = {
  scheduledAt: z.string().optional().describe('When to publish: ISO 8601 with offset or Z, e.g. 2030-03-31T09:30:00Z. Exclusive with localTime'),
  localTime: z.string().optional().describe('Or a wall-clock time YYYY-MM-DDTHH:mm in `timezone` (default: the user\'s zone)'),
  timezone: z.string().optional().describe('IANA zone of localTime, e.g. Europe/Paris'),
  fold: z.enum(['earlier', 'later']).optional().describe('For a localTime that occurs twice (clocks going back): which one'),
};

const target = z.object({
  accountId: z.string().describe('A connected account id (from list_accounts)'),
  text: z.string().nullable().optional().describe('This account\'s own text instead of `content`'),
  options: z.record(z.string(), z.unknown()).optional()
    .describe('Platform-specific options (e.g. X: { thread: [...] }), checked by the platform'),
});

const media = z.object({
  mediaId: z.string().optional().describe('An uploaded file\'s id'),
  url: z.string().optional().describe('Or a public http(s) URL the platform can fetch'),
  alt: z.string().optional().describe('Alt text: the file described for people who cannot see it, sent to platforms that take it (Bluesky)'),
});

/** A peer route whose body this server does not restate: the route documents and checks it (OpenAPI). */
const routeBody = z.record(z.string(), z.unknown());

export interface McpToolsOptions {
  /** Registers upload_media_from_url (MCP_URL_UPLOADS_ENABLED). */
  uploadFromUrl?: (url: string) => Promise<CallToolResult>;
}

export function buildMcpServer(callApi: ApiCaller, options: McpToolsOptions = {}): McpServer {
  const server = new McpServer({ name: 'herald', version: '0.1.0' });

  server.registerTool('list_accounts', {
    description: 'List the connected social accounts: id, platform, name, status (active, reauth_required, disconnected) '
      + 'and statusReason (why an account cannot publish). Use an account id as a post target.',
    inputSchema: {},
    annotations: { readOnlyHint: true },
  }, async () => callApi({ method: 'GET', url: '/api/social/accounts' }));

  server.registerTool('list_posts', {
    description: 'List posts in calendar order, a page at a time, optionally within a date range (scheduled time) '
      + 'and by status, platform or account. Pass nextCursor back as cursor for the next page.',
    inputSchema: {
      from: z.string().optional().describe('Only posts scheduled at or after this instant (ISO 8601 with offset or Z)'),
      to: z.string().optional().describe('Only posts scheduled at or before this instant (ISO 8601 with offset or Z)'),
      status: z.string().optional().describe('draft, scheduled, publishing, published, partially_published, failed, cancelled, needs_attention'),
      platform: z.string().optional(),
      accountId: z.string().optional(),
      limit: z.number().int().optional().describe('1..100, default 50'),
      cursor: z.string().optional(),
    },
    annotations: { readOnlyHint: true },
  }, async (query) => callApi({ method: 'GET', url: '/api/social/posts', query }));

  server.registerTool('get_post', {
    description: 'A post with every target\'s publish state (status, platformPostId, permalink, error, attempts). '
      + 'Call it again to follow a scheduled post until it is published.',
    inputSchema: { postId: id('post') },
    annotations: { readOnlyHint: true },
  }, async ({ postId }) => callApi({ method: 'GET', url: `/api/social/posts/${path(postId)}` }));

  server.registerTool('create_post', {
    description: 'Create a post for one or more accounts: a draft without scheduledAt/localTime, else scheduled. '
      + 'Each target may have its own text and platform options. Every platform rule (length as the platform counts it, '
      + 'hashtags, media) is checked; a refusal names the field and the rule.',
    inputSchema: {
      content: z.string().describe('The text, used by every target without its own text'),
      hashtags: z.array(z.string()).optional().describe('Appended to each target\'s text as " #tag"'),
      media: z.array(media).optional(),
      targets: z.array(target).describe('One entry per account to publish to'),
      ...scheduleFields,
    },
  }, async (body) => callApi({ method: 'POST', url: '/api/social/posts', body }));

  server.registerTool('reschedule_post', {
    description: 'Schedule a draft, or move a scheduled post, to scheduledAt or localTime.',
    inputSchema: { postId: id('post'), ...scheduleFields },
  }, async ({ postId, ...body }) => callApi({ method: 'POST', url: `/api/social/posts/${path(postId)}/schedule`, body }));

  server.registerTool('cancel_post', {
    description: 'Cancel a draft, scheduled or publishing post (it stays, with status cancelled).',
    inputSchema: { postId: id('post') },
    annotations: { destructiveHint: true },
  }, async ({ postId }) => callApi({ method: 'POST', url: `/api/social/posts/${path(postId)}/cancel` }));

  server.registerTool('publish_post_now', {
    description: 'Publish a draft or scheduled post now.',
    inputSchema: { postId: id('post') },
  }, async ({ postId }) => callApi({ method: 'POST', url: `/api/social/posts/${path(postId)}/publish` }));

  server.registerTool('stats_overview', {
    description: 'Totals (posts, impressions, engagement, followers) of what was published in a date range, overall and per platform.',
    inputSchema: {
      from: z.string().optional().describe('First day, YYYY-MM-DD (default: 29 days before `to`)'),
      to: z.string().optional().describe('Last day, YYYY-MM-DD (default: today, UTC)'),
    },
    annotations: { readOnlyHint: true },
  }, async (query) => callApi({ method: 'GET', url: '/api/social/stats/overview', query }));

  server.registerTool('suggest_times', {
    description: 'The best weekday × hour slots to publish, from the user\'s own published posts and their engagement '
      + '(POST /api/social/suggest/times; its body as documented in the OpenAPI description).',
    inputSchema: { request: routeBody.describe('The body of POST /api/social/suggest/times, e.g. { "accountIds": [...] }') },
    annotations: { readOnlyHint: true },
  }, async ({ request }) => callApi({ method: 'POST', url: '/api/social/suggest/times', body: request }));

  server.registerTool('generate_caption', {
    description: 'A caption per platform within its rules, from a topic and tone (POST /api/social/generate/caption).',
    inputSchema: { request: routeBody.describe('The body of POST /api/social/generate/caption, e.g. { "topic": "...", "platforms": ["x"] }') },
    annotations: { readOnlyHint: true },
  }, async ({ request }) => callApi({ method: 'POST', url: '/api/social/generate/caption', body: request }));

  server.registerTool('generate_hashtags', {
    description: 'Hashtags within a platform\'s limits for some content (POST /api/social/generate/hashtags).',
    inputSchema: { request: routeBody.describe('The body of POST /api/social/generate/hashtags, e.g. { "content": "...", "platform": "x" }') },
    annotations: { readOnlyHint: true },
  }, async ({ request }) => callApi({ method: 'POST', url: '/api/social/generate/hashtags', body: request }));

  if (options.uploadFromUrl) {
    const upload = options.uploadFromUrl;
    server.registerTool('upload_media_from_url', {
      description: 'Fetch an image or video from a public http(s) URL and store it as uploaded media; answers its mediaId '
        + 'for create_post. Private, loopback and link-local addresses are refused, and so are redirects to them; '
        + 'size and content type are limited as for uploads.',
      inputSchema: { url: z.string().describe('A public http(s) URL') },
    }, async ({ url }) => upload(url));
  }

  return server;
}
