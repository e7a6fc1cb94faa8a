// Providers registered for this deployment, looked up by id. Built once from config at process start.
import type { Config } from '../config.js';
import type { PlatformProvider } from './provider.js';
import { createTestbedProvider } from './testbed/index.js';
import { createTiktokProvider } from './tiktok/index.js';
import { createInstagramProvider } from './instagram/index.js';
import { createThreadsProvider } from './threads/index.js';
import { createFacebookProvider } from './facebook/index.js';
import { createLinkedinProvider } from './linkedin/index.js';

export class ProviderRegistry {
  private readonly byId = new Map<string, PlatformProvider>();

  constructor(providers: PlatformProvider[]) {
    for (const p of providers) {
      if (this.byId.has(p.id)) throw new Error(`provider ${p.id} registered twice`);
      this.byId.set(p.id, p);
    }
  }

  get(id: string): PlatformProvider {
    const p = this.byId.get(id);
    if (!p) throw new Error(`no provider registered for platform "${id}"`);
    return p;
  }

  has(id: string): boolean {
    return this.byId.has(id);
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
  return new ProviderRegistry(providers);
}
