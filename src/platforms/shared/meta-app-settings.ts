// The Meta app's settings, declared by both the Instagram and the Facebook module (one Facebook Login serves both):
// the very same schema objects, so the merged config holds each once.
import { z } from 'zod';

export const metaAppSettings = {
  META_APP_ID: z.string().optional(),
  META_APP_SECRET: z.string().optional(),
  /** Host of the Facebook Login dialog (https://www.facebook.com in production). */
  META_DIALOG_BASE_URL: z.string().url().optional(),
  /** Host of the Graph API (https://graph.facebook.com in production). */
  META_GRAPH_BASE_URL: z.string().url().optional(),
  META_GRAPH_VERSION: z.string().regex(/^v\d+\.\d+$/).default('v25.0'),
  /** Host of Instagram's resumable upload endpoint (https://rupload.facebook.com in production). */
  META_RUPLOAD_BASE_URL: z.string().url().optional(),
  /**
   * How Instagram tokens are kept alive. `exchange`: before expiry, exchange the long-lived user token again
   * (fb_exchange_token); if Meta answers with no later expiry, the account turns reauth_required REAUTH_NOTICE_DAYS
   * ahead. `none`: never try; reauth_required REAUTH_NOTICE_DAYS before the token expires.
   */
  META_TOKEN_RENEWAL: z.enum(['exchange', 'none']).default('exchange'),
  /** Token Meta echoes in the webhook subscription handshake (hub.verify_token). */
  META_WEBHOOK_VERIFY_TOKEN: z.string().optional(),
};

/** The Meta hosts, defaulting to the sandbox's /meta prefix. */
export function metaHosts(s: { META_DIALOG_BASE_URL?: string | undefined; META_GRAPH_BASE_URL?: string | undefined; META_RUPLOAD_BASE_URL?: string | undefined }, sandboxBaseUrl: string) {
  return {
    dialogBaseUrl: s.META_DIALOG_BASE_URL ?? `${sandboxBaseUrl}/meta`,
    graphBaseUrl: s.META_GRAPH_BASE_URL ?? `${sandboxBaseUrl}/meta`,
    ruploadBaseUrl: s.META_RUPLOAD_BASE_URL ?? `${sandboxBaseUrl}/meta/rupload`,
  };
}
