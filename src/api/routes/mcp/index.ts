// /mcp: the Model Context Protocol server for AI agents (Streamable HTTP, stateless: a server and a transport per
// request, so nothing is kept between calls and any API instance can answer). Authenticated like every private route
// (the auth plugin's Bearer API key); each tool calls the API's own route with the caller's credentials, so it sees
// only that user's data.
import type { FastifyPluginAsync } from 'fastify';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ApiError } from '../../errors.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { apiCallerFor, toolResultOfError } from './api-caller.js';
import { storeMediaFromUrl } from './media-from-url.js';
import { buildMcpServer } from './mcp-tools.js';

const mcpRoutes: FastifyPluginAsync = async (app) => {
  app.post('/mcp', { schema: { hide: true } }, async (request, reply) => {
    const server = buildMcpServer(apiCallerFor(app, request), {
      ...(app.config.MCP_URL_UPLOADS_ENABLED ? { uploadFromUrl: (url: string) => uploadFromUrl(request.user.id, url) } : {}),
    });
    // Stateless: no session id; plain JSON answers rather than an SSE stream (every tool answers once).
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => { void transport.close(); void server.close(); });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
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
  app.get('/mcp', { schema: { hide: true } }, notAllowed);
  app.delete('/mcp', { schema: { hide: true } }, notAllowed);
};

export default mcpRoutes;
