// The testbed's webhook signature: header `Testbed-Signature: t=<unix seconds>,s=<hex HMAC-SHA256 of "<t>.<raw body>">`
// keyed with the platform's signing secret. (The provider verifies it with its own implementation, on purpose.)
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'Testbed-Signature';

export function signTestbedWebhook(rawBody: string, secret: string, now: Date): Record<string, string> {
  const t = Math.floor(now.getTime() / 1000);
  const s = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
  return { [SIGNATURE_HEADER]: `t=${t},s=${s}` };
}
