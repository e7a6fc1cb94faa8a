// One pino configuration for API, worker, sandbox and scripts. Redaction is the safety net behind the rule that
// secrets never reach logs: any field with a secret-looking name is censored wherever it appears (two levels deep).
import { pino, type Logger, type LoggerOptions } from 'pino';

const secretKeys = [
  'authorization', 'Authorization', 'cookie', 'set-cookie', 'x-admin-token',
  'accessToken', 'refreshToken', 'access_token', 'refresh_token', 'token', 'apiKey', 'api_key',
  'clientSecret', 'client_secret', 'password', 'appPassword', 'app_password', 'loginSecret', 'secret', 'code_verifier', 'codeVerifier', 'key',
];

export const redactPaths = [
  ...secretKeys,
  ...secretKeys.map((k) => `*.${k}`),
  ...secretKeys.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers["x-admin-token"]',
  'req.headers["x-herald-internal-call"]',
];

/**
 * Query parameters that carry secrets or capabilities in URLs Herald receives: OAuth callbacks (`code`, `state`),
 * signed media URLs (`signature`), Meta's webhook handshake (`hub.verify_token`), tokens some clients put in URLs.
 */
const secretQueryParams = new Set([
  'code', 'state', 'signature', 'access_token', 'token', 'hub.verify_token', 'client_secret', 'fb_exchange_token', 'code_verifier',
]);

/** The URL with the values of secret query parameters censored; paths and other parameters stay readable. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    let decoded = name;
    try { decoded = decodeURIComponent(name); } catch { /* keep the raw name */ }
    return eq >= 0 && secretQueryParams.has(decoded.toLowerCase()) ? `${name}=[redacted]` : pair;
  });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

interface LoggedRequest { method?: string; url?: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }

export function loggerOptions(level: string, name: string): LoggerOptions {
  return {
    name, level, redact: { paths: redactPaths, censor: '[redacted]' },
    // Fastify logs each request's URL: keep OAuth codes, states and media signatures out of it.
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method, url: req.url === undefined ? undefined : redactUrl(req.url), host: req.hostname,
        remoteAddress: req.ip, remotePort: req.socket?.remotePort,
      }),
    },
  };
}

export function createLogger(level: string, name: string): Logger {
  return pino(loggerOptions(level, name));
}
