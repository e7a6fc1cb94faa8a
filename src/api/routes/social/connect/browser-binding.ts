// The cookie that ties an OAuth state to the browser that began the connection (RFC 9700 §4.7.1). Without it, a
// Herald user could start a connection, hand the authorize link to someone else, and have that person's platform
// account attached to their own Herald user when the victim's browser comes back through the callback.
//
// One cookie per state (named after a prefix of the state's hash), so two connections begun in two tabs do not
// overwrite each other. HttpOnly (no script needs it), SameSite=Lax (the callback is a top-level GET navigation
// from the platform's site, which Lax cookies accompany), Path limited to the platform's callback, Max-Age the
// state's lifetime, Secure when Herald is served over https.

/** `herald_oauth_<first 16 hex of the state's SHA-256>` */
export const bindingCookieName = (stateHash: string): string => `herald_oauth_${stateHash.slice(0, 16)}`;

export interface BindingCookie {
  name: string;
  value: string;
  /** The callback's path as browsers see it (PUBLIC_BASE_URL's path included). */
  path: string;
  maxAgeSeconds: number;
  secure: boolean;
}

export function serializeBindingCookie(c: BindingCookie): string {
  return [
    `${c.name}=${c.value}`,
    `Max-Age=${c.maxAgeSeconds}`,
    `Path=${c.path}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(c.secure ? ['Secure'] : []),
  ].join('; ');
}

/** The same cookie, expired: the state is spent, the browser can forget it. */
export function serializeExpiredBindingCookie(c: Pick<BindingCookie, 'name' | 'path' | 'secure'>): string {
  return serializeBindingCookie({ ...c, value: '', maxAgeSeconds: 0 });
}

/**
 * The value of cookie `name` in a Cookie request header, if present. Binding values are base64url, so no decoding
 * is involved; a malformed header simply yields nothing.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
