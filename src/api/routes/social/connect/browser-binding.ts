// The cookie that ties an OAuth state to the browser that began the connection (RFC 9700 §4.7.1). Without it, a
// Herald user could start a connection, hand the authorize link to someone else, and have that person's platform
// account attached to their own Herald user when the victim's browser comes back through the callback.
//
// One cookie per state (named after a prefix of the state's hash), so two connections begun in two tabs do not
// overwrite each other. HttpOnly (no script needs it), SameSite=Lax (the callback is a top-level GET navigation
// from the platform's site, which Lax cookies accompany), Path limited to the platform's callback, Max-Age the
// state's lifetime, Secure when Herald is served over https. Written and read through @fastify/cookie.

/** `herald_oauth_<first 16 hex of the state's SHA-256>` */
export const bindingCookieName = (stateHash: string): string => `herald_oauth_${stateHash.slice(0, 16)}`;

/** The cookie's attributes besides its scope (`path`, `secure`: the callback as browsers address it). */
export const bindingCookieOptions = (maxAgeSeconds: number) => ({ maxAge: maxAgeSeconds, httpOnly: true, sameSite: 'lax' as const });
