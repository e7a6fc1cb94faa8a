// Providers registered for this deployment, looked up by id. Built once from config at process start.
import type { Config } from '../config.js';
import type { PlatformProvider } from './provider.js';
import { createTestbedProvider } from './testbed/index.js';
import { createTiktokProvider } from './tiktok/index.js';
import { createInstagramProvider } from './instagram/index.js';
import { createThreadsProvider } from './threads/index.js';
import { createFacebookProvider } from './facebook/index.js';
import { createLinkedinProvider } from './linkedin/index.js';
import { createXProvider } from './x/index.js';

export class ProviderRegistry {
  private readonly byId = new Map<string, PlatformProvider>();
  /** Every id and alias, to the provider's id. */
  private readonly names = new Map<string, string>();

  constructor(providers: PlatformProvider[]) {
    for (const p of providers) {
      for (const name of [p.id, ...(p.aliases ?? [])]) {
        if (this.names.has(name)) throw new Error(`provider ${p.id}: the name ${name} is registered twice`);
        this.names.set(name, p.id);
      }
      this.byId.set(p.id, p);
    }
  }

  /** The provider by its id or one of its aliases. */
  get(idOrAlias: string): PlatformProvider {
    const p = this.byId.get(this.names.get(idOrAlias) ?? '');
    if (!p) throw new Error(`no provider registered for platform "${idOrAlias}"`);
    return p;
  }

  has(idOrAlias: string): boolean {
    return this.names.has(idOrAlias);
  }

  /** The provider id an id or alias names (what is stored and compared); an unknown name is answered as is. */
  canonicalId(idOrAlias: string): string {
    return this.names.get(idOrAlias) ?? idOrAlias;
  }

  list(): PlatformProvider[] {
    return [...this.byId.values()];
  }
}

export function createProviderRegistry(config: Config): ProviderRegistry {
  const providers: PlatformProvider[] = [];
  const settleWindow = { windowMs: config.COMMIT_SETTLE_WINDOW_SECONDS * 1000, recheckEveryMs: config.COMMIT_SETTLE_RECHECK_SECONDS * 1000 };
  if (config.TESTBED_PROVIDER_ENABLED) {
    providers.push(createTestbedProvider({
      baseUrl: config.testbedBaseUrl, clientId: config.TESTBED_CLIENT_ID, clientSecret: config.TESTBED_CLIENT_SECRET,
      webhookSecret: config.TESTBED_WEBHOOK_SECRET, webhookToleranceSeconds: config.WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS,
      settleWindow,
    }));
  }
  if (config.TIKTOK_CLIENT_KEY && config.TIKTOK_CLIENT_SECRET) {
    providers.push(createTiktokProvider({
      clientKey: config.TIKTOK_CLIENT_KEY,
      clientSecret: config.TIKTOK_CLIENT_SECRET,
      authBaseUrl: config.tiktokAuthBaseUrl,
      apiBaseUrl: config.tiktokApiBaseUrl,
      scopes: config.TIKTOK_SCOPES,
      pkce: config.TIKTOK_PKCE,
      verifiedUrlPrefixes: config.TIKTOK_VERIFIED_URL_PREFIXES,
      webhookToleranceSeconds: config.WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS,
    }));
  }
  if (config.META_APP_ID && config.META_APP_SECRET) {
    providers.push(createInstagramProvider({
      appId: config.META_APP_ID,
      appSecret: config.META_APP_SECRET,
      dialogBaseUrl: config.metaDialogBaseUrl,
      graphBaseUrl: config.metaGraphBaseUrl,
      graphVersion: config.META_GRAPH_VERSION,
      ruploadBaseUrl: config.metaRuploadBaseUrl,
      tokenRenewal: config.META_TOKEN_RENEWAL,
      webhookVerifyToken: config.META_WEBHOOK_VERIFY_TOKEN,
      publishingLimit: config.INSTAGRAM_PUBLISHING_LIMIT,
      settleWindow,
    }));
    if (config.FACEBOOK_ENABLED) {
      providers.push(createFacebookProvider({
        appId: config.META_APP_ID,
        appSecret: config.META_APP_SECRET,
        dialogBaseUrl: config.metaDialogBaseUrl,
        graphBaseUrl: config.metaGraphBaseUrl,
        graphVersion: config.META_GRAPH_VERSION,
        ruploadBaseUrl: config.metaRuploadBaseUrl,
        videoBaseUrl: config.metaGraphVideoBaseUrl,
        tokenRenewal: config.META_TOKEN_RENEWAL,
        webhookVerifyToken: config.META_WEBHOOK_VERIFY_TOKEN,
        settleWindow,
      }));
    }
  }
  if (config.THREADS_APP_ID && config.THREADS_APP_SECRET) {
    providers.push(createThreadsProvider({
      appId: config.THREADS_APP_ID,
      appSecret: config.THREADS_APP_SECRET,
      authBaseUrl: config.threadsAuthBaseUrl,
      graphBaseUrl: config.threadsGraphBaseUrl,
      graphVersion: config.THREADS_GRAPH_VERSION,
      webhookVerifyToken: config.THREADS_WEBHOOK_VERIFY_TOKEN,
      publishingLimit: config.THREADS_PUBLISHING_LIMIT,
      replyLimit: config.THREADS_REPLY_LIMIT,
      settleWindow,
    }));
  }
  if (config.LINKEDIN_CLIENT_ID && config.LINKEDIN_CLIENT_SECRET) {
    providers.push(createLinkedinProvider({
      clientId: config.LINKEDIN_CLIENT_ID, clientSecret: config.LINKEDIN_CLIENT_SECRET,
      authBaseUrl: config.linkedinAuthBaseUrl, apiBaseUrl: config.linkedinApiBaseUrl,
      version: config.LINKEDIN_VERSION, refreshTokens: config.LINKEDIN_REFRESH_TOKENS, settleWindow,
    }));
  }
  if (config.X_CLIENT_ID && config.X_CLIENT_SECRET) {
    providers.push(createXProvider({
      clientId: config.X_CLIENT_ID, clientSecret: config.X_CLIENT_SECRET, authBaseUrl: config.xAuthBaseUrl, apiBaseUrl: config.xApiBaseUrl,
      segmentBytes: config.X_MEDIA_SEGMENT_BYTES, postsPerUserWindow: config.X_POSTS_PER_15_MIN, postsPerAppDay: config.X_APP_POSTS_PER_DAY, settleWindow,
    }));
  }
  return new ProviderRegistry(providers);
}
