// IANA time zone names. Intl accepts names case-insensitively and knows aliases, so a valid name is stored in the
// canonical spelling Intl resolves it to (`europe/paris` -> `Europe/Paris`).
import { z } from 'zod';

export function canonicalTimeZone(name: string): string | undefined {
  if (!name || name.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** A zod string that must name an IANA zone (rule `iana_timezone`) and comes out canonical. */
export const ianaTimeZone = z.string().transform((name, ctx) => {
  const zone = canonicalTimeZone(name);
  if (!zone) {
    ctx.addIssue({ code: 'custom', message: `"${name}" is not an IANA time zone (e.g. Europe/Paris)`, params: { rule: 'iana_timezone' } });
    return z.NEVER;
  }
  return zone;
}).meta({ description: 'IANA time zone, e.g. `Europe/Paris`', examples: ['Europe/Paris'] });
