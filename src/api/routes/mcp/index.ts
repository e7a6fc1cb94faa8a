// /mcp: the Model Context Protocol server for AI agents (Streamable HTTP, stateless: a server and a transport per
// request, so nothing is kept between calls and any API instance can answer). Authenticated like every private route
// (the auth plugin's Bearer API key); each tool calls the API's own route with the caller's credentials, so it sees
// only that user's data.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ApiError } from '../../errors.js';
import { errorResponses } from '../../schemas/common.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { apiCallerFor, toolResultOfError } from './api-caller.js';
import { storeMediaFromUrl } from './media-from-url.js';
import { buildMcpServer } from './mcp-tools.js';

const tags = ['mcp'];

/** One JSON-RPC 2.0 message; the MCP SDK checks the rest (an unknown method or bad params is a JSON-RPC error). */
const jsonRpcMessage = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string().max(256), z.number().int()]).optional().describe('Absent on notifications'),
  method: z.string().min(1).max(256).optional().describe('e.g. initialize, tools/list, tools/call'),
  params: z.record(z.string(), z.unknown()).optional(),
}).describe('A JSON-RPC 2.0 message of the Model Context Protocol (send Accept: application/json, text/event-stream)');

const mcpRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/mcp', {
    schema: {
      tags, summary: 'MCP (Streamable HTTP, stateless): one JSON-RPC message per request; tools act as the caller',
      body: jsonRpcMessage,
      response: {
        200: z.record(z.string(), z.unknown()).describe('The JSON-RPC response (a tool refusal is a result with isError: true)'),
        202: z.null().describe('A notification, accepted'),
        ...errorResponses(400, 401, 429),
      },
    },
  }, async (request, reply) => {
    const server = buildMcpServer(apiCallerFor(app, request), {
      ...(app.config.MCP_URL_UPLOADS_ENABLED ? { uploadFromUrl: (url: string) => uploadFromUrl(request.user.id, url) } : {}),
    });
    // Stateless: no session id; plain JSON answers rather than an SSE stream (every tool answers once).
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    // The transport writes the raw response: hand it the headers the hooks set so far (rate limit, CORS), which a
    // hijacked reply would otherwise drop.
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
    reply.hijack();
    reply.raw.on('close', () => { void transport.close(); void server.close(); });
    try {
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    } catch (err) {
      // Hijacked: the error handler cannot answer any more, so answer here in the API's error shape.
      request.log.error({ err }, 'MCP request failed');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
          .end(JSON.stringify({ error: { code: 'internal_error', message: 'the MCP request failed', details: [] } }));
      }
    }
  });

  async function uploadFromUrl(userId: string, url: string): Promise<CallToolResult> {
    try {
      return { content: [{ type: 'text', text: JSON.stringify(await storeMediaFromUrl(app, userId, url)) }] };
    } catch (err) {
      if (err instanceof ApiError && err.statusCode < 500) return toolResultOfError(err);
      throw err;
    }
  }

  // Stateless: there is no session stream to open (GET) nor session to end (DELETE).
  const notAllowed = async () => {
    throw new ApiError(405, 'method_not_allowed', 'this MCP server is stateless: send JSON-RPC requests with POST /mcp');
  };
  const notAllowedSchema = (summary: string) => ({
    tags, summary, response: { 204: z.null().describe('Never: the server keeps no session'), ...errorResponses(401, 405, 429) },
  });
  app.get('/mcp', { schema: notAllowedSchema('MCP server-to-client stream: not offered (stateless server), 405') }, notAllowed);
  app.delete('/mcp', { schema: notAllowedSchema('MCP session end: no sessions (stateless server), 405') }, notAllowed);
};

export default mcpRoutes;
