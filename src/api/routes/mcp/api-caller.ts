// How an MCP tool reaches Herald: by calling the API's own route in-process (`app.inject`) with the caller's
// credentials, so a tool gets exactly the route's validation, scoping to the user and errors. An answer becomes a tool
// result: 2xx as JSON text, anything else as a tool error whose text carries the API's error code, message and each
// detail's field and rule, so an agent can correct its call.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ApiError } from '../../errors.js';
import { internalCallHeaders } from '../../internal-call.js';

/** The request headers that authenticate the caller (the Bearer API key, or the session cookie with its CSRF token). */
const FORWARDED_HEADERS = ['authorization', 'cookie', 'x-csrf-token'] as const;

export interface ApiCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

interface ApiErrorBody { error?: { code?: string; message?: string; details?: { field?: string; rule?: string; message?: string }[] } }

export type ApiCaller = (call: ApiCall) => Promise<CallToolResult>;

export function apiCallerFor(app: FastifyInstance, request: FastifyRequest): ApiCaller {
  const headers: Record<string, string> = internalCallHeaders();
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return async ({ method, url, query, body }) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) search.set(k, String(v));
    const res = await app.inject({
      method,
      url: search.size > 0 ? `${url}?${search}` : url,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    if (res.statusCode < 300) {
      return { content: [{ type: 'text', text: res.body === '' ? JSON.stringify({ status: res.statusCode }) : res.body }] };
    }
    return { isError: true, content: [{ type: 'text', text: errorText(res.statusCode, res.body) }] };
  };
}

/** A tool result for an error raised in-process (not through a route): the same text as a route's error answer. */
export function toolResultOfError(err: ApiError): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: errorText(err.statusCode, JSON.stringify({ error: { code: err.code, message: err.message, details: err.details } })) }] };
}

/** `<code>: <message>` then one line per detail (`- <field> [<rule>]: <message>`), then the API's error body as JSON. */
export function errorText(status: number, body: string): string {
  let parsed: ApiErrorBody = {};
  try { parsed = JSON.parse(body) as ApiErrorBody; } catch { /* not JSON: the status says enough */ }
  const error = parsed.error;
  if (!error?.code) return `HTTP ${status}`;
  const lines = [`${error.code} (HTTP ${status}): ${error.message ?? ''}`];
  for (const d of error.details ?? []) lines.push(`- ${d.field ?? '(request)'} [${d.rule ?? 'invalid'}]: ${d.message ?? ''}`);
  lines.push(JSON.stringify(parsed));
  return lines.join('\n');
}
