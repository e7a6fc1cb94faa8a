// Decorates the instance with the Temporal client (readiness checks) and the post commands (start / reschedule /
// cancel / edit of a post's workflow). The app does not own the connection: whoever opened it closes it.
import fp from 'fastify-plugin';
import type { TemporalDeps } from '../../types.js';

export default fp<{ temporal: TemporalDeps }>(async (app, opts) => {
  app.decorate('temporal', opts.temporal);
}, { name: 'temporal' });
