// Pieces of webhook verification shared by providers: header lookup and the `t=<unix seconds>,s=<hex sha256>`
// signature header (TikTok's scheme, which the testbed reuses).
import type { WebhookRequest } from '../provider.js';

/** A header's single value, case-insensitively; undefined when absent or sent more than once. */
export function singleHeader(headers: WebhookRequest['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === wanted) return Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
  }
  return undefined;
}

/** Parses `t=…,s=…`; undefined when garbled (so a bad header is a clean refusal, never an exception). */
export function parseTimestampedSignature(value: string): { t: number; s: Buffer } | undefined {
  const parts = new Map<string, string>();
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const t = parts.get('t');
  const s = parts.get('s');
  if (!t || !/^\d{1,12}$/.test(t) || !s || !/^[0-9a-f]{64}$/i.test(s)) return undefined;
  return { t: Number(t), s: Buffer.from(s, 'hex') };
}
