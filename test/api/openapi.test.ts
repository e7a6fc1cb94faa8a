// The OpenAPI document: version 3.x, and every route of the app in it, with tags, a summary and schemas.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createTestAccount, createTestApi, createTestUser, type TestApi } from './support/test-api.js';
import { DASHBOARD_PATHS } from '../../src/api/routes/dashboard/index.js';

let t: TestApi;
beforeAll(async () => { t = await createTestApi(); });
afterAll(async () => { await t?.close(); });

/** Routes as Fastify has them, from `printRoutes()`'s tree (each level indented by 4 characters). */
function routesOf(tree: string): Set<string> {
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?$/u.exec(line);
    if (!m) continue;
    stack.length = m[1]!.length / 4;
    const path = stack.join('') + m[2]!;
    stack.push(m[2]!);
    for (const method of m[3]?.split(', ') ?? []) routes.add(`${method} ${path}`);
  }
  return routes;
}

const expectedRoutes = [
  'GET /health', 'GET /ready', 'GET /metrics',
  'POST /api/admin/users', 'POST /api/admin/users/:id/api-keys',
  'GET /api/me', 'PATCH /api/me', 'POST /api/session', 'GET /api/session', 'DELETE /api/session',
  'GET /api/social/accounts',
  'POST /api/social/accounts/:id/refresh', 'POST /api/social/disconnect/:platform',
  'POST /api/social/generate/caption', 'POST /api/social/generate/hashtags', 'POST /api/social/analyze/content',
  'GET /api/social/connect/:platform', 'POST /api/social/connect/:platform/credentials', 'GET /api/social/callback/:platform',
  'POST /api/webhooks/:platform', 'GET /api/webhooks/:platform',
  'POST /api/social/media', 'GET /api/social/media/:id', 'DELETE /api/social/media/:id',
  'POST /api/social/posts', 'GET /api/social/posts', 'GET /api/social/posts/:id', 'PUT /api/social/posts/:id',
  'DELETE /api/social/posts/:id', 'POST /api/social/posts/:id/publish', 'POST /api/social/posts/:id/schedule',
  'POST /api/social/posts/:id/cancel', 'GET /api/social/posts/:id/comments', 'POST /api/social/comments/:id/reply', 'POST /api/social/comments/:id/hide',
  'GET /api/social/stats/overview', 'GET /api/social/stats/engagement', 'GET /api/social/stats/growth',
  'GET /api/social/stats/best-posts', 'GET /api/social/stats/:platform',
  'POST /api/social/accounts/:id/insights/sync',
  'GET /api/social/platforms', 'POST /api/social/posts/validate', 'GET /api/social/accounts/:id/target-options',
  'GET /api/social/comments', 'GET /api/social/media/:id/content',
  'POST /mcp', 'GET /mcp', 'DELETE /mcp',
  'POST /api/social/suggest/times',
];

/**
 * The dashboard's pages and assets: served, and kept out of the document (they are not API). printRoutes() prints the
 * assets' `/assets/*` as `/*` (the wildcard under a radix node shared with /accounts and /api).
 */
const dashboardRoutes = new Set([...DASHBOARD_PATHS.map((p) => `GET ${p}`), 'GET /*']);

describe('OpenAPI document', () => {
  test('is OpenAPI 3.x titled Herald, with the bearer security schemes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'Herald', version: expect.any(String) });
    expect(doc.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      adminToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(doc.security).toEqual([{ apiKey: [] }]);
  });

  test('lists exactly the routes the app serves (Swagger UI\'s own and the CORS preflight excepted)', async () => {
    const served = [...routesOf(t.app.printRoutes({ commonPrefix: false }))]
      .filter((r) => !r.startsWith('HEAD ') && !r.includes(' /docs') && r !== 'OPTIONS *')
      .sort();
    expect(served.filter((r) => dashboardRoutes.has(r)).sort()).toEqual([...dashboardRoutes].sort());
    const api = served.filter((r) => !dashboardRoutes.has(r));
    expect(api).toEqual([...expectedRoutes].sort());

    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
      .filter((r) => !r.startsWith('HEAD '))
      .sort();
    expect(documented).toEqual(api);
  });

  test('every operation has a tag, a summary, its parameters, a success and error responses', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const declaredTags = new Set((doc.tags as { name: string }[]).map((x) => x.name));
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method} ${path}`;
        expect(op.tags?.length, where).toBe(1);
        expect(declaredTags.has(op.tags[0]), where).toBe(true);
        expect(op.summary, where).toMatch(/\w{3,}/);
        const codes = Object.keys(op.responses);
        expect(codes.some((c) => /^2\d\d$/.test(c)), where).toBe(true);
        for (const name of path.match(/\{(\w+)\}/g) ?? []) {
          expect(op.parameters?.some((p: any) => p.in === 'path' && `{${p.name}}` === name && p.required), `${where} ${name}`).toBe(true);
        }
        // Public /api routes (the OAuth callback, platform webhooks) declare `security: []` and have no 401.
        const isPublic = Array.isArray(op.security) && op.security.length === 0;
        if (path.startsWith('/api/') && !isPublic) {
          // Authenticated routes document 401 with the error shape.
          const unauthorized = op.responses['401']?.content?.['application/json']?.schema;
          expect(unauthorized?.properties?.error?.required, where).toEqual(['code', 'message', 'details']);
        }
        if (['post', 'put'].includes(method) && op.requestBody) {
          expect(Object.keys(op.requestBody.content), where).toHaveLength(1);
        }
      }
    }
  });

  test('follows the OpenAPI 3.1 object rules (what its JSON schema requires of paths, operations, parameters, responses)', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const topLevel = ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs'];
    expect(Object.keys(doc).every((k) => topLevel.includes(k)), Object.keys(doc).join()).toBe(true);
    const operationKeys = ['tags', 'summary', 'description', 'externalDocs', 'operationId', 'parameters', 'requestBody', 'responses', 'callbacks', 'deprecated', 'security', 'servers'];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      expect(path.startsWith('/')).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'], where).toContain(method);
        expect(Object.keys(op).filter((k) => !operationKeys.includes(k) && !k.startsWith('x-')), where).toEqual([]);
        for (const p of op.parameters ?? []) {
          expect(typeof p.name, where).toBe('string');
          expect(['query', 'header', 'path', 'cookie'], where).toContain(p.in);
          expect('schema' in p !== 'content' in p, `${where} ${p.name}: exactly one of schema/content`).toBe(true);
          if (p.in === 'path') expect(p.required, `${where} ${p.name}`).toBe(true);
        }
        if (op.requestBody) expect(Object.keys(op.requestBody.content ?? {}).length, where).toBeGreaterThan(0);
        for (const [code, response] of Object.entries(op.responses as Record<string, any>)) {
          expect(code, where).toMatch(/^(default|[1-5](\d\d|XX))$/);
          expect(typeof response.description, `${where} ${code}`).toBe('string');
          expect(response.description, `${where} ${code} says what it is`).not.toBe('Default Response');
          for (const media of Object.values(response.content ?? {}) as any[]) {
            expect(['object', 'boolean'], `${where} ${code}`).toContain(typeof media.schema);
          }
        }
      }
    }
  });

  test('states the input rules the API enforces, so values it documents as valid are accepted and others refused', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const user = await createTestUser(t.database.db);
    const list = (query: string) => t.app.inject({ method: 'GET', url: `/api/social/posts?${query}`, headers: user.headers });
    const param = (path: string, name: string) =>
      (doc.paths[path].get.parameters as { name: string; schema: { pattern?: string; format?: string } }[]).find((p) => p.name === name)!.schema;

    // Cursor: an opaque base64url token. One the API issued matches the documented pattern; others do not and are refused.
    const cursorPattern = new RegExp(param('/api/social/posts', 'cursor').pattern!);
    const account = await createTestAccount(t.database.db, { userId: user.id });
    for (let i = 0; i < 2; i++) {
      await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: `p${i}`, targets: [{ accountId: account.id }] } });
    }
    const issued = (await list('limit=1')).json().nextCursor as string;
    expect(issued).toMatch(cursorPattern);
    expect((await list(`limit=1&cursor=${issued}`)).statusCode).toBe(200);
    for (const bad of ['abc!', 'a b', '']) {
      expect(bad).not.toMatch(cursorPattern);
      expect((await list(`cursor=${encodeURIComponent(bad)}`)).statusCode, bad).toBe(400);
    }

    // Years: the documented pattern and the API agree on both sides of the lower bound.
    const from = param('/api/social/posts', 'from');
    expect(from.format).toBe('date-time');
    expect('1969-12-31T23:59:59Z').not.toMatch(new RegExp(from.pattern!));
    expect((await list('from=1969-12-31T23:59:59Z')).statusCode).toBe(400);
    expect('1970-01-01T00:00:00Z').toMatch(new RegExp(from.pattern!));
    expect((await list('from=1970-01-01T00:00:00Z')).statusCode).toBe(200);
    const day = param('/api/social/stats/overview', 'from');
    expect(day.format).toBe('date');
    expect('0000-01-01').not.toMatch(new RegExp(day.pattern!));

    // Uploads: the accepted types and size of this deployment, and one file per request.
    const file = doc.paths['/api/social/media'].post.requestBody.content['multipart/form-data'].schema.properties.file;
    for (const type of t.config.MEDIA_ALLOWED_TYPES) expect(file.description).toContain(type);
    expect(file.description).toContain(String(t.config.MEDIA_MAX_BYTES));
    expect(file.description).toMatch(/one file per request/i);

    // Local times: their shape, and the fold that settles a time occurring twice.
    const body = doc.paths['/api/social/posts'].post.requestBody.content['application/json'].schema.properties;
    expect('2030-10-27T02:30').toMatch(new RegExp(body.localTime.pattern));
    expect('2030-10-27 02:30').not.toMatch(new RegExp(body.localTime.pattern));
    expect(body.fold.enum).toEqual(['earlier', 'later']);
    expect(body.hashtags.items.pattern).toBeDefined();
  });

  test('security: probes are public, admin routes take the admin token, the rest an API key', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(doc.paths['/ready'].get.security).toEqual([]);
    expect(doc.paths['/metrics'].get.security).toEqual([]);
    expect(doc.paths['/api/admin/users'].post.security).toEqual([{ adminToken: [] }]);
    expect(doc.paths['/api/social/posts'].get.security).toBeUndefined(); // inherits the document's apiKey
    expect(doc.paths['/api/social/callback/{platform}'].get.security).toEqual([]); // the OAuth state authenticates it
    expect(doc.paths['/api/social/connect/{platform}'].get.security).toBeUndefined();
  });

  test('documents the request schemas: post body fields, list query, multipart upload', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const create = doc.paths['/api/social/posts'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(expect.arrayContaining(['content', 'targets']));
    expect(Object.keys(create.properties)).toEqual(expect.arrayContaining(['hashtags', 'media', 'scheduledAt', 'localTime', 'timezone']));
    const query = (doc.paths['/api/social/posts'].get.parameters as { in: string; name: string }[]).filter((p) => p.in === 'query').map((p) => p.name);
    expect(query.sort()).toEqual(['accountId', 'cursor', 'from', 'limit', 'platform', 'status', 'to']);
    const upload = doc.paths['/api/social/media'].post.requestBody.content['multipart/form-data'].schema;
    expect(upload.properties.file).toMatchObject({ type: 'string', format: 'binary' });
  });

  // Last: validating against the official schema keeps the event loop busy for about a second, and the app's load
  // shedding (under-pressure) then answers 503 to the requests of whatever test comes right after.
  test('validates against the official OpenAPI JSON schema', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
