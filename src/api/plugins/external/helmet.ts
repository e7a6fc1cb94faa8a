// Security headers on every response. The API answers JSON, for which helmet's default CSP is right; Swagger UI's
// pages get their own policy from @fastify/swagger-ui (`staticCSP` in swagger.ts). When the service is served over
// plain http (development), `upgrade-insecure-requests` is left out: it would make browsers fetch /docs' scripts
// over https, which nothing serves.
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';

export const servedOverHttps = (publicBaseUrl: string) => publicBaseUrl.startsWith('https:');

export default fp(async (app) => {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      directives: {
        upgradeInsecureRequests: servedOverHttps(app.config.PUBLIC_BASE_URL) ? [] : null,
        // The dashboard previews files the user picked before uploading them (object URLs).
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
      },
    },
  });
}, { name: 'helmet' });
