// Decorates the instance with the store of uploaded files (the worker reads the same files with the same class).
import fp from 'fastify-plugin';
import type { LocalMediaStore } from '../../../storage/local-media-store.js';

export default fp<{ mediaStore: LocalMediaStore }>(async (app, opts) => {
  app.decorate('mediaStore', opts.mediaStore);
}, { name: 'media-store' });
