// The MCP server as an agent uses it: the SDK's own client over Streamable HTTP against the API listening on a port,
// with a worker, Temporal, Postgres and the platform sandbox behind it. An agent lists the tools and its accounts,
// schedules a cross-post to X and Threads (X with its own text) and follows it until published; a refused input
// comes back as a tool error carrying the HTTP API's code, fields and rules; another user's post is not found; and
// /mcp needs an API key.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createTestUser, errorOf, rulesOf, type TestUser } from '../api/support/test-api.js';
import { waitFor } from '../sandbox/helpers.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { threadsAt } from '../support/threads.js';
import { xAt } from '../support/x.js';

const X_CLIENT = { clientId: 'mcp-x', clientSecret: 'mcp-x-secret' };
const THREADS_APP = { appId: 'mcp-threads', appSecret: 'mcp-threads-secret' };
const SETTLE = { windowMs: 2000, recheckEveryMs: 400 };

let s: PlatformStack;
let mcpUrl: URL;
let user: TestUser;
let other: TestUser;
const accounts: Record<string, string> = {};
const clients: Client[] = [];

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { x: X_CLIENT, threads: THREADS_APP },
    providers: (base) => [
      xAt(base, { ...X_CLIENT, requestTimeoutMs: 1500, settleWindow: SETTLE }),
      threadsAt(base, { ...THREADS_APP, pollIntervalMs: 200, settleWindow: SETTLE }),
    ],
    // Writing help from the sandbox's model simulator.
    env: (base) => ({ AI_BASE_URL: `${base}/llm/v1`, AI_MODEL: 'herald-sandbox-llm' }),
  });
  await s.api.app.listen({ port: 0, host: '127.0.0.1' });
  mcpUrl = new URL(`http://127.0.0.1:${(s.api.app.server.address() as AddressInfo).port}/mcp`);
  user = await createTestUser(s.api.database.db);
  other = await createTestUser(s.api.database.db);
  for (const platform of ['x', 'threads']) accounts[platform] = await connectThroughApi(s.api, user, platform);
}, 120_000);
afterAll(async () => {
  for (const c of clients) await c.close();
  await s?.close();
});

async function agent(headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'herald-test-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers } }));
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return await client.callTool({ name, arguments: args }) as CallToolResult;
}

const textOf = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

/** A successful tool's JSON answer; fails the test with the tool's error text otherwise. */
function ok<T = any>(result: CallToolResult): T { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(result.isError ?? false, textOf(result)).toBe(false);
  return JSON.parse(textOf(result)) as T;
}

describe('MCP server', () => {
  test('an agent lists tools and accounts, asks for a caption, schedules a cross-post, and sees it publish', async () => {
    const client = await agent(user.headers);
    const tools = (await client.listTools()).tools;
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining([
      'list_accounts', 'list_posts', 'get_post', 'create_post', 'reschedule_post', 'cancel_post', 'publish_post_now',
      'stats_overview', 'suggest_times', 'generate_caption', 'generate_hashtags',
    ]));
    // Off by default: Herald fetches no user-given URL unless MCP_URL_UPLOADS_ENABLED says so.
    expect(tools.map((t) => t.name)).not.toContain('upload_media_from_url');
    const createPost = tools.find((t) => t.name === 'create_post')!;
    expect(createPost.description).toMatch(/draft/);
    expect(Object.keys(createPost.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['content', 'targets', 'scheduledAt']));
    // An agent can describe each media file (alt text) for platforms that take it.
    const mediaItem = (createPost.inputSchema.properties as Record<string, { items?: { properties?: Record<string, unknown> } }>).media!.items!;
    expect(Object.keys(mediaItem.properties ?? {})).toEqual(expect.arrayContaining(['mediaId', 'url', 'alt']));

    const listed = ok<{ data: { id: string; platform: string; status: string; statusReason: string | null }[] }>(await call(client, 'list_accounts'));
    expect(listed.data.map((a) => [a.platform, a.id, a.status]).sort()).toEqual([
      ['threads', accounts.threads, 'active'], ['x', accounts.x, 'active'],
    ]);

    // The agent asks for a caption for both platforms: each within its platform's limit, as the platform counts.
    const captions = ok<{ data: { platform: string; limits: { maxTextLength: number }; captions: { text: string; length: number }[] }[] }>(
      await call(client, 'generate_caption', { request: { topic: 'our durable publishing launch', platforms: ['x', 'threads'], tone: 'playful' } }));
    expect(captions.data.map((d) => d.platform).sort()).toEqual(['threads', 'x']);
    for (const d of captions.data) expect(d.captions[0]!.length, d.platform).toBeLessThanOrEqual(d.limits.maxTextLength);
    expect(captions.data.find((d) => d.platform === 'x')!.captions[0]!.text).toMatch(/launch/i);

    const marker = `mcp-${Date.now()}`;
    const created = ok<{ id: string; status: string }>(await call(client, 'create_post', {
      content: `Threads launch (${marker})`,
      targets: [{ accountId: accounts.threads }, { accountId: accounts.x, text: `X launch (${marker})` }],
      scheduledAt: new Date(Date.now() + 1000).toISOString(),
    }));
    expect(created.status).toBe('scheduled');

    const inRange = ok<{ data: { id: string }[] }>(await call(client, 'list_posts', {
      from: new Date(Date.now() - 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString(),
    }));
    expect(inRange.data.map((p) => p.id)).toContain(created.id);

    const published = await waitFor(async () => {
      const post = ok<{ status: string; targets: { platform: string; status: string; platformPostId: string | null }[] }>(
        await call(client, 'get_post', { postId: created.id }));
      return post.status === 'published' && post;
    }, 60_000, 'the post published');
    expect(published.targets.map((t) => [t.platform, t.status]).sort()).toEqual([['threads', 'published'], ['x', 'published']]);
    for (const t of published.targets) expect(t.platformPostId, t.platform).toBeTruthy();

    const onX = ((await s.sandbox.control.state('x')).posts as { text: string }[]).filter((p) => p.text.includes(marker));
    expect(onX.map((p) => p.text)).toEqual([`X launch (${marker})`]);
    const onThreads = ((await s.sandbox.control.state('threads')).posts as { text: string }[]).filter((p) => p.text.includes(marker));
    expect(onThreads.map((p) => p.text)).toEqual([`Threads launch (${marker})`]);
  }, 90_000);

  test('a draft is rescheduled, cancelled; another is published now; stats overview answers for a range', async () => {
    const client = await agent(user.headers);
    const draft = ok<{ id: string; status: string }>(await call(client, 'create_post', { content: 'later', targets: [{ accountId: accounts.x }] }));
    expect(draft.status).toBe('draft');
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = ok<{ status: string; scheduledAt: string }>(await call(client, 'reschedule_post', { postId: draft.id, scheduledAt: at }));
    expect(scheduled).toMatchObject({ status: 'scheduled', scheduledAt: at });
    const inThePast = await call(client, 'reschedule_post', { postId: draft.id, scheduledAt: '2001-01-01T00:00:00Z' });
    expect(inThePast.isError).toBe(true);
    expect(textOf(inThePast)).toMatch(/- scheduledAt \[\w+\]/);
    expect(ok<{ status: string }>(await call(client, 'cancel_post', { postId: draft.id })).status).toBe('cancelled');

    const marker = `mcp-now-${Date.now()}`;
    const now = ok<{ id: string }>(await call(client, 'create_post', { content: `Now (${marker})`, targets: [{ accountId: accounts.x }] }));
    ok(await call(client, 'publish_post_now', { postId: now.id }));
    await waitFor(async () => ok<{ status: string }>(await call(client, 'get_post', { postId: now.id })).status === 'published', 60_000, 'published now');
    expect(((await s.sandbox.control.state('x')).posts as { text: string }[]).filter((p) => p.text.includes(marker))).toHaveLength(1);

    const overview = ok<{ from: string; to: string; totals: unknown }>(await call(client, 'stats_overview', { from: '2026-01-01', to: '2026-01-31' }));
    expect(overview).toMatchObject({ from: '2026-01-01', to: '2026-01-31', totals: expect.any(Object) });
    const badRange = await call(client, 'stats_overview', { from: 'yesterday' });
    expect(badRange.isError).toBe(true);
    expect(textOf(badRange)).toContain('- from [');
  }, 90_000);

  test('a refused input is a tool error with the HTTP API\'s code, fields and rules', async () => {
    const client = await agent(user.headers);
    const body = {
      content: 'x'.repeat(300), // over X's 280
      targets: [{ accountId: accounts.x }, { accountId: 'not-a-uuid' }],
    };
    const http = await s.api.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: body });
    expect(http.statusCode).toBe(400);
    const httpError = errorOf(http);
    expect(rulesOf(http)).toContainEqual(expect.stringMatching(/^targets\.1\.accountId:/));

    const result = await call(client, 'create_post', body);
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toContain(`${httpError.code} (HTTP 400): ${httpError.message}`);
    for (const d of httpError.details) expect(text).toContain(`- ${d.field} [${d.rule}]: ${d.message}`);

    // A platform rule too (X's weighted length), once the shape is right.
    const tooLong = await call(client, 'create_post', { content: 'x'.repeat(300), targets: [{ accountId: accounts.x }] });
    expect(tooLong.isError).toBe(true);
    const tooLongHttp = await s.api.app.inject({
      method: 'POST', url: '/api/social/posts', headers: user.headers,
      payload: { content: 'x'.repeat(300), targets: [{ accountId: accounts.x }] },
    });
    expect(tooLongHttp.statusCode).toBe(400);
    expect(rulesOf(tooLongHttp).length).toBeGreaterThan(0);
    for (const d of errorOf(tooLongHttp).details) expect(textOf(tooLong)).toContain(`- ${d.field} [${d.rule}]`);
  });

  test('another user\'s post is not found, and cannot be cancelled or published', async () => {
    const created = await s.api.app.inject({
      method: 'POST', url: '/api/social/posts', headers: user.headers,
      payload: { content: 'mine', targets: [{ accountId: accounts.x }] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const postId = created.json().id as string;

    const stranger = await agent(other.headers);
    expect(ok<{ data: unknown[] }>(await call(stranger, 'list_accounts')).data).toEqual([]);
    for (const tool of ['get_post', 'cancel_post', 'publish_post_now']) {
      const result = await call(stranger, tool, { postId });
      expect(result.isError, tool).toBe(true);
      expect(textOf(result), tool).toMatch(/^not_found \(HTTP 404\)/);
    }
    expect(ok<{ data: { id: string }[] }>(await call(stranger, 'list_posts')).data.map((p) => p.id)).not.toContain(postId);

    // The owner still sees it as it was: a draft.
    const mine = await agent(user.headers);
    expect(ok<{ status: string }>(await call(mine, 'get_post', { postId })).status).toBe('draft');
  });

  test('a tool call counts once against the caller\'s rate limit: the POST /mcp, not also the route it calls', async () => {
    // Raw JSON-RPC posts (the stateless server needs no session), so no other request of a client interleaves.
    const toolCall = (name: string) => fetch(mcpUrl, {
      method: 'POST',
      headers: { ...other.headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } }),
    });
    const remaining = async () => Number((await s.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: other.headers })).headers['x-ratelimit-remaining']);
    const before = await remaining();
    for (const name of ['list_accounts', 'list_posts']) {
      const res = await toolCall(name);
      expect(res.status, name).toBe(200);
      expect(await res.text(), name).toContain('"result"');
      // The answer carries the limit's headers like every route's.
      expect(Number(res.headers.get('x-ratelimit-remaining')), name).toBeGreaterThan(0);
    }
    // Two tool calls and the second reading: three requests.
    expect(before - await remaining()).toBe(3);
  });

  test('no Bearer, or an unknown key: 401 before any MCP exchange', async () => {
    // The SDK's StreamableHTTPError carries the HTTP status as `code`, and the API's error body in its message.
    await expect(agent({})).rejects.toMatchObject({ code: 401, message: expect.stringContaining('"unauthorized"') });
    await expect(agent({ authorization: 'Bearer not-a-herald-key' }))
      .rejects.toMatchObject({ code: 401, message: expect.stringContaining('invalid or revoked API key') });
    const raw = await fetch(mcpUrl, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(raw.status).toBe(401);
    expect(((await raw.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  test('a body that is not a JSON-RPC message is a 400 naming the field; GET and DELETE answer 405 (stateless)', async () => {
    const headers = { ...user.headers, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const bad = await fetch(mcpUrl, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '1.0', method: 'tools/list', id: 1 }) });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; details: { field: string; rule: string }[] } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d) => d.field)).toEqual(['jsonrpc']);
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(mcpUrl, { method, headers: { ...user.headers, accept: 'text/event-stream' } });
      expect(res.status, method).toBe(405);
      expect(((await res.json()) as { error: { code: string } }).error.code, method).toBe('method_not_allowed');
    }
  });
});
