// Shared by the sandbox and testbed-provider suites: an in-process sandbox on a free port, a small client for its
// control API, a webhook receiver, and polling.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildSandbox, type SandboxOptions } from '../../src/sandbox/app.js';

export interface RunningSandbox {
  app: FastifyInstance;
  baseUrl: string;
  testbedUrl: string;
  control: ControlClient;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const app = await buildSandbox({ logLevel: 'silent', ...opts });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return { app, baseUrl, testbedUrl: `${baseUrl}/testbed`, control: new ControlClient(baseUrl), close: () => app.close() };
}

/** A second sandbox with other options for the length of `fn`, closed afterwards whatever happens. */
export async function withSandbox<T>(opts: SandboxOptions, fn: (other: RunningSandbox) => Promise<T>): Promise<T> {
  const other = await startSandbox(opts);
  try {
    return await fn(other);
  } finally {
    await other.close();
  }
}

export class ControlClient {
  constructor(private readonly baseUrl: string) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.baseUrl}/__sandbox${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async addFault(rule: unknown): Promise<string> {
    const r = await this.call('POST', '/faults', rule);
    if (r.status !== 201) throw new Error(`adding fault failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id;
  }

  async requests(query = ''): Promise<any[]> {
    return (await this.call('GET', `/requests${query}`)).body.data;
  }

  async state(platform = 'testbed'): Promise<any> {
    return (await this.call('GET', `/state/${platform}`)).body;
  }

  async deliveries(platform = 'testbed'): Promise<any[]> {
    return (await this.call('GET', `/webhooks/deliveries?platform=${platform}`)).body.data;
  }

  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

/** An HTTP server that records webhook deliveries; `statuses` are answered in order, then 200. */
export async function startReceiver(statuses: number[] = []): Promise<{ url: string; received: ReceivedWebhook[]; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const queue = [...statuses];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, rawBody: Buffer.concat(chunks) });
      res.statusCode = queue.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/testbed`,
    received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Calls a testbed API path with a bearer token. */
export async function api(base: string, method: string, path: string, opts: { token?: string; json?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** A simulator's answer read whole: status, headers and the JSON body (undefined when empty). */
export async function readJson(res: Response) {
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) as any : undefined }; // eslint-disable-line @typescript-eslint/no-explicit-any
}
