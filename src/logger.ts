// One pino configuration for API, worker, sandbox and scripts. Redaction is the safety net behind the rule that
// secrets never reach logs: any field with a secret-looking name is censored wherever it appears (two levels deep).
import { pino, type Logger, type LoggerOptions } from 'pino';

const secretKeys = [
  'authorization', 'Authorization', 'cookie', 'set-cookie', 'x-admin-token',
  'accessToken', 'refreshToken', 'access_token', 'refresh_token', 'token', 'apiKey', 'api_key',
  'clientSecret', 'client_secret', 'password', 'secret', 'code_verifier', 'codeVerifier', 'key',
];

export const redactPaths = [
  ...secretKeys,
  ...secretKeys.map((k) => `*.${k}`),
  ...secretKeys.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers["x-admin-token"]',
];

export function loggerOptions(level: string, name: string): LoggerOptions {
  return { name, level, redact: { paths: redactPaths, censor: '[redacted]' } };
}

export function createLogger(level: string, name: string): Logger {
  return pino(loggerOptions(level, name));
}
