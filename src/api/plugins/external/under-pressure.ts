// Load shedding: while the event loop is saturated, answer 503 at once instead of queueing more work. The error
// goes through the central error handler like any other (code `unavailable`, with Retry-After).
import fp from 'fastify-plugin';
import underPressure from '@fastify/under-pressure';
import { unavailable } from '../../errors.js';

export default fp(async (app) => {
  await app.register(underPressure, {
    maxEventLoopDelay: 1000,
    maxEventLoopUtilization: 0.98,
    retryAfter: 10,
    pressureHandler: (_request, reply, type) => {
      reply.header('retry-after', '10');
      throw unavailable(`the server is under pressure (${type}), try again shortly`);
    },
  });
}, { name: 'under-pressure' });
