// Shared by the TikTok sandbox and provider suites: calls to the simulated TikTok API (bodies kept as raw text too,
// to look at int64 numbers), tokens minted through the control API, and request bodies that pass every rule.
import { createHmac } from 'node:crypto';
import type { RunningSandbox } from './helpers.js';

export const CLIENT_KEY = 'sandbox-tiktok-client-key';
export const CLIENT_SECRET = 'sandbox-tiktok-client-secret';
export const DEFAULT_OPEN_ID = '723f24d7-e717-40f8-a2b6-cb8464cd23b4';
export const MiB = 1024 * 1024;

export interface TiktokAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export async function tiktok(
  sb: RunningSandbox, method: string, path: string, opts: { token?: string; json?: unknown; form?: Record<string, string> } = {},
): Promise<TiktokAnswer> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json; charset=UTF-8';
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (method === 'POST') {
    headers['content-type'] = 'application/json; charset=UTF-8';
  }
  const res = await fetch(`${sb.baseUrl}/tiktok${path}`, { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

export async function mintToken(sb: RunningSandbox, opts: { openId?: string; scopes?: string[] } = {}): Promise<{ access_token: string; refresh_token: string; open_id: string }> {
  const r = await sb.control.call('POST', '/tiktok/tokens', opts);
  if (r.status !== 200) throw new Error(`minting a token failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export function directVideoBody(source: Record<string, unknown>, postInfo: Record<string, unknown> = {}) {
  return { post_info: { privacy_level: 'PUBLIC_TO_EVERYONE', title: 'hello', brand_content_toggle: false, ...postInfo }, source_info: source };
}

export const fileSource = (size: number, chunk = size, count = 1) => ({ source: 'FILE_UPLOAD', video_size: size, chunk_size: chunk, total_chunk_count: count });

export async function putChunk(url: string, body: Buffer, range: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'PUT', body, headers: { 'content-type': 'video/mp4', 'content-range': range, ...headers } });
  return { status: res.status, contentRange: res.headers.get('content-range'), text: await res.text() };
}

/** Independent computation of TikTok's webhook signature, to check the sandbox's. */
export function expectedSignature(secret: string, t: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}
