// upload_media_from_url, the one place Herald fetches a user-given URL. Through the MCP tool (the API listening, the
// SDK's client, MCP_URL_UPLOADS_ENABLED=true): every address that is not public unicast is refused by name before
// any connection (the origin server below never sees those requests), as is any scheme but http(s). Past the address
// guard (widened to the loopback origin only, which is how the tests reach a server at all): redirects are re-checked
// at each hop and capped, the size limit holds while bytes stream in, only allowed types whose bytes match are kept,
// and an accepted file is stored like an upload.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApiError } from '../../src/api/errors.js';
import { isPublicAddress } from '../../src/api/routes/mcp/guarded-fetch.js';
import { storeMediaFromUrl, URL_FETCH_LIMITS } from '../../src/api/routes/mcp/media-from-url.js';
import { createTestApi, createTestUser, type TestApi, type TestUser } from '../api/support/test-api.js';
import { sampleFiles } from '../api/support/multipart.js';

const MAX_BYTES = 4096;

let api: TestApi;
let user: TestUser;
let client: Client;
let origin: Server;
let originUrl: string;
const originHits: string[] = [];
const routes = new Map<string, (res: ServerResponse) => void>();

beforeAll(async () => {
  origin = createServer((req, res) => {
    originHits.push(req.url!);
    const route = routes.get(req.url!);
    if (route) route(res); else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;

  api = await createTestApi({ env: { MCP_URL_UPLOADS_ENABLED: 'true', MEDIA_MAX_BYTES: String(MAX_BYTES) } });
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  user = await createTestUser(api.database.db);
  client = new Client({ name: 'url-upload-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(
    new URL(`http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}/mcp`), { requestInit: { headers: user.headers } },
  ));
});
afterAll(async () => {
  await client?.close();
  await api?.close();
  await new Promise((resolve) => origin?.close(resolve));
});

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
const upload = async (url: string) => await client.callTool({ name: 'upload_media_from_url', arguments: { url } }) as CallToolResult;

/** The guard of the real tool, widened to the loopback origin: what lets a test reach a server past the address check. */
const pastTheAddressGuard = { ...URL_FETCH_LIMITS, isAllowedAddress: (ip: string) => ip === '127.0.0.1' || isPublicAddress(ip) };

/** The field:rule of the 4xx storeMediaFromUrl throws. */
async function refusal(url: string): Promise<string> {
  try {
    await storeMediaFromUrl(api.app, user.id, url, pastTheAddressGuard);
  } catch (err) {
    if (err instanceof ApiError) return err.details.map((d) => `${d.field}:${d.rule}`).join(',');
    throw err;
  }
  throw new Error(`${url} was accepted`);
}

const redirectTo = (location: string) => (res: ServerResponse) => res.writeHead(302, { location }).end();

describe('upload_media_from_url through MCP', () => {
  test('offered when enabled, with the guard in its description', async () => {
    const tool = (await client.listTools()).tools.find((t) => t.name === 'upload_media_from_url');
    expect(tool?.description).toMatch(/private, loopback and link-local/i);
  });

  test.each([
    ['loopback IPv4', () => `${originUrl}/cat.png`],
    ['loopback by name (DNS answer checked)', () => `${originUrl.replace('127.0.0.1', 'localhost')}/cat.png`],
    ['loopback IPv6', () => 'http://[::1]/cat.png'],
    ['IPv4-mapped IPv6 loopback', () => 'http://[::ffff:127.0.0.1]/cat.png'],
    ['IPv4-mapped IPv6 metadata address', () => 'http://[::ffff:a9fe:a9fe]/latest/meta-data'],
    ['private 10/8', () => 'http://10.0.0.1/cat.png'],
    ['private 172.16/12', () => 'http://172.16.5.4/cat.png'],
    ['private 192.168/16', () => 'https://192.168.1.1/cat.png'],
    ['link-local IPv4 (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data'],
    ['link-local IPv6', () => 'http://[fe80::1]/cat.png'],
    ['unique-local IPv6', () => 'http://[fd12:3456::1]/cat.png'],
    ['unspecified IPv4', () => 'http://0.0.0.0/cat.png'],
    ['unspecified IPv6', () => 'http://[::]/cat.png'],
    ['carrier-grade NAT', () => 'http://100.64.0.1/cat.png'],
    ['loopback in decimal notation', () => 'http://2130706433/cat.png'],
  ])('refuses %s before connecting', async (_name, url) => {
    const hitsBefore = originHits.length;
    const result = await upload(url());
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^validation_failed \(HTTP 400\)/);
    expect(textOf(result)).toContain('- url [private_address]:');
    expect(originHits.length).toBe(hitsBefore);
  });

  test.each([
    ['file:///etc/passwd'], ['ftp://example.com/cat.png'], ['gopher://example.com/'], ['data:image/png;base64,iVBORw0KGgo='],
  ])('refuses the scheme of %s', async (url) => {
    const result = await upload(url);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('- url [protocol]:');
  });
});

describe('past the address guard', () => {
  test('a redirect to a private or loopback address is refused at that hop', async () => {
    routes.set('/to-private', redirectTo('http://10.1.2.3/cat.png'));
    routes.set('/to-ipv6-loopback', redirectTo('http://[::1]/cat.png'));
    routes.set('/to-mapped', redirectTo('/hop2'));
    routes.set('/hop2', redirectTo('http://[::ffff:192.168.0.1]/cat.png'));
    expect(await refusal(`${originUrl}/to-private`)).toBe('url:private_address');
    expect(await refusal(`${originUrl}/to-ipv6-loopback`)).toBe('url:private_address');
    expect(await refusal(`${originUrl}/to-mapped`)).toBe('url:private_address');
  });

  test('a redirect to another scheme, and too many redirects, are refused', async () => {
    routes.set('/to-file', redirectTo('file:///etc/passwd'));
    for (let i = 0; i < 5; i++) routes.set(`/loop${i}`, redirectTo(`/loop${i + 1}`));
    expect(await refusal(`${originUrl}/to-file`)).toBe('url:protocol');
    expect(await refusal(`${originUrl}/loop0`)).toBe('url:max_redirects');
  });

  test('a type not allowed, bytes that do not match the type, and a body over the size limit are refused', async () => {
    routes.set('/page.html', (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'));
    routes.set('/fake.png', (res) => res.writeHead(200, { 'content-type': 'image/png' }).end('not a png at all'));
    // No Content-Length: the limit has to hold while the bytes stream in.
    routes.set('/huge.png', (res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(sampleFiles.png(MAX_BYTES * 4));
    });
    routes.set('/declared-huge.png', (res) => res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(MAX_BYTES + 1) }).end(sampleFiles.png(MAX_BYTES + 1)));
    expect(await refusal(`${originUrl}/page.html`)).toBe('url:media_type');
    expect(await refusal(`${originUrl}/fake.png`)).toBe('url:content_mismatch');
    expect(await refusal(`${originUrl}/huge.png`)).toBe('url:max_bytes');
    expect(await refusal(`${originUrl}/declared-huge.png`)).toBe('url:max_bytes');
  });

  test('an allowed file, through a redirect, is stored like an upload', async () => {
    const png = sampleFiles.png(300);
    routes.set('/start', redirectTo('/cat.png'));
    routes.set('/cat.png', (res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
    const stored = await storeMediaFromUrl(api.app, user.id, `${originUrl}/start`, pastTheAddressGuard);
    expect(stored).toMatchObject({ contentType: 'image/png', sizeBytes: 300, originalName: 'start' });
    const content = await api.app.inject({ method: 'GET', url: `/api/social/media/${stored.id}/content`, headers: user.headers });
    expect(content.statusCode).toBe(200);
    expect(Buffer.compare(content.rawPayload, png)).toBe(0);
  });
});
