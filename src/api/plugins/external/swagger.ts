// OpenAPI 3 document built from the routes' zod schemas (/docs/json), and Swagger UI at /docs.
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { servedOverHttps } from './helmet.js';

export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Herald',
        version: '0.1.0',
        description: 'Schedule and publish social-media posts durably. Authenticate with `Authorization: Bearer <API key>`.',
      },
      // No `servers`: "Try it out" then targets the origin serving /docs, whatever host or port that is.
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (`hk_...`) issued by POST /api/admin/users' },
          adminToken: { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN of the deployment' },
        },
      },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'posts', description: 'Compose, schedule and publish posts' },
        { name: 'media', description: 'Uploaded images and videos' },
        { name: 'accounts', description: 'Connected social accounts' },
        { name: 'platforms', description: 'The platforms this server publishes to, with the rules posts must follow there' },
        { name: 'stats', description: 'Statistics of published posts and accounts (read-only)' },
        { name: 'suggest', description: 'Suggestions computed from the user\'s own data: best times to post' },
        { name: 'writing', description: 'Writing help: captions and hashtags from a language model (AI_BASE_URL), and content analysis per platform' },
        { name: 'users', description: 'The calling user' },
        { name: 'session', description: 'Browser sign-in: an API key exchanged for an HttpOnly session cookie' },
        { name: 'admin', description: 'User and API key management (admin token)' },
        { name: 'operations', description: 'Health, readiness and metrics' },
        { name: 'webhooks', description: 'Signed deliveries from the platforms (no API key)' },
        { name: 'mcp', description: 'Model Context Protocol server for AI agents (tools over the routes above)' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  // The API's description and its UI are public (auth.ts): a client reads them before it has a key.
  app.addHook('onRoute', (route) => {
    if (route.url === '/docs' || route.url.startsWith('/docs/')) route.config = { ...route.config, public: true };
  });
  const https = servedOverHttps(app.config.PUBLIC_BASE_URL);
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Same reason as in helmet.ts: over plain http the upgrade directive would break the UI's assets.
    transformStaticCSP: (header) => (https ? header : header.replace(/\s*upgrade-insecure-requests;?/, '')),
  });
}, { name: 'swagger' });
