// The consent step of every platform's authorize endpoint. In `auto` mode (the default, what the tests of the
// connect flows rely on) a valid authorize request is approved at once. In `page` mode it answers what a real
// platform shows instead: an HTML page naming the app, the sandbox account(s) to be connected and the scopes, with
// Allow and Deny buttons. The buttons POST the original parameters (hidden fields) plus `decision` back to the same
// URL, where the platform's route runs every check again and then issues its code or its user-denied redirect.
// The page needs no script (it is served under a CSP that forbids any) so it works in any browser test.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CONSENT_MODES = ['auto', 'page'] as const;
export type ConsentMode = (typeof CONSENT_MODES)[number];
export type ConsentDecision = 'allow' | 'deny';

/** What the consent page shows for one authorize request. */
export interface ConsentPrompt {
  /** The platform as users know it, for the title: "<platform> sandbox — authorize Herald". */
  platform: string;
  /** The app asking (its client id / app id). */
  clientId: string;
  /** The sandbox user and accounts the grant would connect, one line each. */
  accounts: string[];
  /** The scopes asked for. */
  scopes: string[];
  /** Where the browser goes back to after either decision. */
  redirectUri: string;
}

export type AuthorizeParams = Record<string, string | undefined>;

/**
 * The parameters of an authorize request: its query, and on the consent page's POST back the posted form over it
 * (the form repeats every parameter; a bare `curl -d decision=allow <authorize URL>` works too). Only single string
 * values count: a repeated parameter is not a valid one anyway.
 */
export function authorizeParams(request: FastifyRequest): AuthorizeParams {
  const query = stringsOf(request.query);
  return request.method === 'POST' ? { ...query, ...stringsOf(request.body) } : query;
}

function stringsOf(source: unknown): AuthorizeParams {
  const params: AuthorizeParams = {};
  if (!source || typeof source !== 'object') return params;
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (typeof value === 'string') params[key] = value;
  }
  return params;
}

/**
 * The user's decision on an authorize request that passed every check. A decision posted by the consent page wins
 * (only a POST body carries one: a `decision` in the query cannot skip the page); otherwise `auto` allows, and
 * `page` answers the consent page itself and returns undefined, so the route's handler stops there.
 */
export function settleConsent(mode: ConsentMode, request: FastifyRequest, reply: FastifyReply, prompt: ConsentPrompt): ConsentDecision | undefined {
  if (request.method === 'POST') {
    const posted = stringsOf(request.body).decision;
    if (posted === 'allow' || posted === 'deny') return posted;
  }
  if (mode === 'auto') return 'allow';
  const { decision: _ignored, ...original } = authorizeParams(request);
  reply
    .code(200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'")
    .send(renderConsentPage(prompt, original));
  return undefined;
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside HTML content and double-quoted attribute values. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => htmlEscapes[c]!);
}

/** The consent page; `params` are the original authorize parameters, carried back by the form. */
export function renderConsentPage(prompt: ConsentPrompt, params: AuthorizeParams): string {
  const title = `${prompt.platform} sandbox — authorize Herald`;
  const list = (items: string[], empty: string) =>
    items.length > 0 ? items.map((item) => `      <li>${escapeHtml(item)}</li>`).join('\n') : `      <li>${escapeHtml(empty)}</li>`;
  const hidden = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `      <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>${escapeHtml(title)}</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 0; background: #f4f4f5; color: #18181b; }
    main { max-width: 32rem; margin: 3rem auto; padding: 1.5rem 2rem; background: #fff; border-radius: 0.75rem; box-shadow: 0 1px 4px rgb(0 0 0 / 0.15); }
    .simulator { margin: 0 0 1rem; padding: 0.5rem 0.75rem; background: #fef3c7; border: 1px solid #d97706; border-radius: 0.375rem; font-weight: 600; }
    h1 { font-size: 1.35rem; }
    h2 { font-size: 1rem; margin-top: 1.25rem; }
    code { overflow-wrap: anywhere; }
    .decision { display: flex; gap: 0.75rem; margin-top: 1.5rem; }
    button { font: inherit; padding: 0.5rem 1.5rem; border-radius: 0.375rem; border: 1px solid #52525b; background: #fff; cursor: pointer; }
    button[value="allow"] { background: #1d4ed8; border-color: #1d4ed8; color: #fff; }
    button:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  </style>
</head>
<body>
  <main>
    <p class="simulator" role="note">Simulator: this is Herald's platform sandbox, not the real ${escapeHtml(prompt.platform)}. No real account is involved.</p>
    <h1>${escapeHtml(title)}</h1>
    <p>The app <strong>${escapeHtml(prompt.clientId)}</strong> asks to connect:</p>
    <ul aria-label="Accounts to connect">
${list(prompt.accounts, '(no account)')}
    </ul>
    <h2 id="scopes-heading">Permissions asked for</h2>
    <ul aria-labelledby="scopes-heading">
${list(prompt.scopes, '(none)')}
    </ul>
    <p>Either way you go back to <code>${escapeHtml(prompt.redirectUri)}</code>.</p>
    <form method="post" class="decision">
${hidden}
      <button type="submit" name="decision" value="allow">Allow</button>
      <button type="submit" name="decision" value="deny">Deny</button>
    </form>
  </main>
</body>
</html>
`;
}
