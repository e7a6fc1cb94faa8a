// Settings of the simulated testbed platform, with defaults. Failure behaviour: a post fails (status `failed`,
// webhook `post.failed`) when `failAllPosts` is set (reason `failReason`), or when its text contains the marker
// `[[fail]]` (reason `failReason`) or `[[fail:<reason>]]` (that reason, e.g. `[[fail:spam_detected]]`).
import type { ConsentMode } from '../../core/consent-page.js';

/** Signing secret used when none is configured. The testbed provider defaults to the same value so the demo works. */
export const TESTBED_DEFAULT_WEBHOOK_SECRET = 'testbed-dev-webhook-secret';

export interface TestbedOptions {
  /** Time a post spends in `processing` before it is published or failed. */
  processingMs?: number;
  failAllPosts?: boolean;
  failReason?: string;
  /** Every authorization request is denied (redirect with error=access_denied). `deny=1` on the URL does it once. */
  denyAuthorization?: boolean;
  /** `auto` approves a valid authorize request at once; `page` answers a consent page (Allow / Deny). Default `auto`. */
  consent?: ConsentMode;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  authorizationCodeTtlSeconds?: number;
  /** How long an upload (and its upload_url) stays usable after creation. */
  uploadTtlMs?: number;
  /** Requests per access token per minute on /v1; 0 or undefined = unlimited. */
  rateLimitPerMinute?: number;
  /** When set, the token endpoint requires this client_secret; otherwise any client is accepted. */
  clientSecret?: string;
  /** The user who "approves" authorization requests (a `login_hint` query parameter picks another id). */
  user?: { id: string; displayName: string };
  /** Callback for post.published / post.failed events, and the secret they are signed with. */
  webhook?: { url?: string; secret?: string };
}

export type ResolvedTestbedOptions = Required<Omit<TestbedOptions, 'clientSecret' | 'webhook'>>
  & Pick<TestbedOptions, 'clientSecret'>
  & { webhook: { url?: string | undefined; secret: string } };

export function resolveTestbedOptions(o: TestbedOptions = {}): ResolvedTestbedOptions {
  return {
    processingMs: o.processingMs ?? 500,
    failAllPosts: o.failAllPosts ?? false,
    failReason: o.failReason ?? 'content_rejected',
    denyAuthorization: o.denyAuthorization ?? false,
    consent: o.consent ?? 'auto',
    accessTokenTtlSeconds: o.accessTokenTtlSeconds ?? 86_400,
    refreshTokenTtlSeconds: o.refreshTokenTtlSeconds ?? 365 * 86_400,
    authorizationCodeTtlSeconds: o.authorizationCodeTtlSeconds ?? 600,
    uploadTtlMs: o.uploadTtlMs ?? 3_600_000,
    rateLimitPerMinute: o.rateLimitPerMinute ?? 0,
    clientSecret: o.clientSecret,
    user: o.user ?? { id: 'tb-user-1', displayName: 'Testbed User' },
    webhook: { url: o.webhook?.url, secret: o.webhook?.secret ?? TESTBED_DEFAULT_WEBHOOK_SECRET },
  };
}

const failMarker = /\[\[fail(?::([A-Za-z0-9_.-]{1,64}))?\]\]/;

/** The reason a post with this text fails, or undefined when it publishes. */
export function failureFor(text: string, o: ResolvedTestbedOptions): string | undefined {
  const m = failMarker.exec(text);
  if (m) return m[1] ?? o.failReason;
  return o.failAllPosts ? o.failReason : undefined;
}
