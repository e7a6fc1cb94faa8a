// Decorates the instance with the platform providers registered for this deployment. Platform rules (limits,
// option checks) come only from here: generic code never branches on a platform name.
import fp from 'fastify-plugin';
import type { ProviderRegistry } from '../../../platforms/registry.js';

export default fp<{ providers: ProviderRegistry }>(async (app, opts) => {
  app.decorate('providers', opts.providers);
}, { name: 'platforms' });
