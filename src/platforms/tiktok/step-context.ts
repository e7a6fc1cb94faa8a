// What every TikTok publish step shares: the HTTP client, the provider options, and the target's options and
// publish shape read the same way each time (they were validated by the API; a target that no longer parses fails
// permanently rather than guessing).
import { PublishError, type PublishContext } from '../provider.js';
import type { TiktokHttp } from './http.js';
import type { ResolvedTiktokProviderOptions } from './options.js';
import { publishShape, tiktokTargetOptions, type PublishShape, type TiktokTargetOptions } from './target-options.js';

export interface StepDeps {
  http: TiktokHttp;
  options: ResolvedTiktokProviderOptions;
}

export function targetOptions(ctx: Pick<PublishContext, 'options'>): TiktokTargetOptions {
  const parsed = tiktokTargetOptions.safeParse(ctx.options);
  if (!parsed.success) {
    throw new PublishError('permanent', 'invalid_options', `TikTok target options are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export function shapeFor(ctx: Pick<PublishContext, 'options' | 'media'>, deps: StepDeps): PublishShape {
  return publishShape(targetOptions(ctx), ctx.media, deps.options.verifiedUrlPrefixes);
}

/** Quota keys shared by every worker (ctx.quota is backed by Postgres). */
export const initQuotaKey = (accountId: string) => `tiktok:init:${accountId}`;
export const inboxPendingQuotaKey = (accountId: string) => `tiktok:inbox-pending:${accountId}`;
export const statusQuotaKey = (accountId: string) => `tiktok:status:${accountId}`;
