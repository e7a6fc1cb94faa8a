// Local secrets for `npm run dev`, generated on first start into .data/dev-secrets.json (git-ignored) and reused, so
// encrypted tokens stay readable and the demo API key keeps working across restarts. Deployments configure their own.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateKeyRingEntry } from '../src/crypto/key-ring.js';

export interface DevSecrets {
  TOKEN_KEYS: string;
  ADMIN_TOKEN: string;
  /** Added later than the others: files written by earlier versions lack it, and it is filled in on load. */
  MEDIA_URL_SECRET?: string;
  demoApiKey?: string;
}

export function loadDevSecrets(path: string): DevSecrets {
  const secrets: DevSecrets = existsSync(path)
    ? JSON.parse(readFileSync(path, 'utf8')) as DevSecrets
    : { TOKEN_KEYS: generateKeyRingEntry('dev1'), ADMIN_TOKEN: `adm_${randomBytes(24).toString('base64url')}` };
  if (!secrets.MEDIA_URL_SECRET) {
    secrets.MEDIA_URL_SECRET = randomBytes(32).toString('base64url');
    saveDevSecrets(path, secrets);
  }
  return secrets;
}

export function saveDevSecrets(path: string, secrets: DevSecrets): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
}
