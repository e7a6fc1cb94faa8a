// Webhook signatures cover the exact bytes the platform sent. This parser, registered inside the webhook routes'
// encapsulated plugin only, hands every body over as the raw Buffer: no JSON parsing and re-serialising (which
// would change whitespace, key order or number spelling and break the signature), whatever the content type.
import type { FastifyInstance } from 'fastify';

export function acceptRawBodies(app: FastifyInstance): void {
  // Drops the JSON and text parsers of this context (the rest of the app keeps them).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}

/** The body as received; an empty POST has none at all. */
export function rawBodyOf(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}
