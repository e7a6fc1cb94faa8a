// Decorates the instance with the Postgres pool. The app does not own it: whoever built it closes it.
import fp from 'fastify-plugin';
import type { Database } from '../../../db/client.js';

export default fp<{ database: Database }>(async (app, opts) => {
  app.decorate('database', opts.database);
}, { name: 'database' });
