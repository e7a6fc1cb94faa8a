// Rules of a post that depend on who asks and where it goes: accounts and media must be the caller's, accounts
// active and their platforms registered, and each target must fit its platform's limits and rules. Platform rules
// come only from the provider registry. Pure: the caller loads the accounts and media; every issue is returned at
// once so a client can fix a post in one round trip.
import type { PlatformProvider, ValidationIssue } from '../../../../platforms/provider.js';
import type { ProviderRegistry } from '../../../../platforms/registry.js';
import { guessContentTypeFromUrl, matchesMediaType } from '../../../../storage/media-types.js';
import { codePointLength, composeTargetText, countInlineHashtags } from '../../../../platforms/post-text.js';
import { publishingBlockedBy } from '../../../../platforms/account-warnings.js';

export interface DraftTarget {
  accountId: string;
  text?: string | null | undefined;
  options?: Record<string, unknown> | undefined;
}

export interface PostDraft {
  content: string;
  hashtags: string[];
  media: { mediaId?: string | undefined; url?: string | undefined; alt?: string | undefined }[];
  targets: DraftTarget[];
}

export interface DraftContext {
  /** The caller's accounts among those the draft names. */
  accounts: ReadonlyMap<string, { platform: string; status: string; statusReason?: string | null }>;
  /** The caller's media among those the draft names. */
  media: ReadonlyMap<string, { contentType: string }>;
  providers: ProviderRegistry;
  /** Uploaded files can be handed to platforms as signed public URLs (MEDIA_URL_SECRET is set). */
  uploadsServedPublicly?: boolean;
}

export interface TargetMeasure {
  /** The text the target publishes before hashtags are appended, and the request field it comes from. */
  text: string;
  textField: string;
  /** Length of the published text (hashtags appended) as the platform counts it. */
  textLength: number;
  hashtagCount: number;
}

/** What the limits are checked against for target `n`: one computation for validation and for clients' counters. */
export function measureTarget(draft: PostDraft, n: number, provider: PlatformProvider): TargetMeasure {
  const target = draft.targets[n]!;
  const ownText = target.text !== null && target.text !== undefined;
  const text = ownText ? target.text! : draft.content;
  return {
    text,
    textField: ownText ? `targets.${n}.text` : 'content',
    textLength: (provider.limits.textLength ?? codePointLength)(composeTargetText(text, draft.hashtags)),
    hashtagCount: draft.hashtags.length + countInlineHashtags(text),
  };
}

export function validatePostDraft(draft: PostDraft, ctx: DraftContext): ValidationIssue[] {
  const issues: ValidationIssue[] = [];

  // Media: ownership once per item; the type of each item, where known, for the per-platform checks below.
  const mediaTypes = draft.media.map((m, k) => {
    if (m.mediaId !== undefined) {
      const owned = ctx.media.get(m.mediaId);
      if (!owned) issues.push({ field: `media.${k}.mediaId`, rule: 'owned_media', message: 'no such uploaded media' });
      return owned?.contentType;
    }
    return m.url !== undefined ? guessContentTypeFromUrl(m.url) : undefined;
  });

  const seen = new Set<string>();
  draft.targets.forEach((target, n) => {
    const at = (field: string) => `targets.${n}.${field}`;
    if (seen.has(target.accountId)) {
      issues.push({ field: at('accountId'), rule: 'unique', message: 'this account is already a target of the post' });
      return;
    }
    seen.add(target.accountId);

    const account = ctx.accounts.get(target.accountId);
    if (!account) {
      issues.push({ field: at('accountId'), rule: 'owned_account', message: 'no such connected account' });
      return;
    }
    if (account.status !== 'active') {
      issues.push({ field: at('accountId'), rule: 'account_inactive', message: `the account is ${account.status}; reconnect it first` });
      return;
    }
    const blocked = publishingBlockedBy(account.statusReason ?? null);
    if (blocked) {
      issues.push({ field: at('accountId'), rule: blocked, message: account.statusReason! });
      return;
    }
    if (!ctx.providers.has(account.platform)) {
      issues.push({ field: at('accountId'), rule: 'platform_available', message: `platform "${account.platform}" is not enabled on this server` });
      return;
    }
    const provider = ctx.providers.get(account.platform);
    const { limits } = provider;
    const name = provider.displayName;
    const { text, textField, textLength: length, hashtagCount } = measureTarget(draft, n, provider);

    if (length > limits.maxTextLength) {
      issues.push({
        field: textField, rule: 'max_length',
        message: `${name} allows at most ${limits.maxTextLength} characters; with hashtags this text has ${length}`,
      });
    }

    if (hashtagCount > limits.maxHashtags) {
      issues.push({
        field: draft.hashtags.length > 0 ? 'hashtags' : textField, rule: 'max_hashtags',
        message: `${name} allows at most ${limits.maxHashtags} hashtags; this post has ${hashtagCount} for it`,
      });
    }

    if (draft.media.length < limits.minMedia || draft.media.length > limits.maxMedia) {
      const range = limits.minMedia === limits.maxMedia ? `exactly ${limits.minMedia}` : `${limits.minMedia} to ${limits.maxMedia}`;
      issues.push({ field: 'media', rule: 'media_count', message: `${name} takes ${range} media items; this post has ${draft.media.length}` });
    }

    mediaTypes.forEach((type, k) => {
      if (type !== undefined && !matchesMediaType(type, limits.mediaTypes)) {
        issues.push({ field: `media.${k}`, rule: 'media_type', message: `${name} does not accept ${type} (accepts ${limits.mediaTypes.join(', ')})` });
      }
    });

    const providerIssues = provider.validateTarget?.({
      text,
      hashtags: draft.hashtags,
      media: draft.media.map((m, k) => ({
        ...(mediaTypes[k] !== undefined ? { contentType: mediaTypes[k] } : {}),
        ...(m.url !== undefined ? { url: m.url } : {}),
        ...(m.mediaId !== undefined ? { mediaId: m.mediaId, ...(ctx.uploadsServedPublicly ? { servedPublicly: true } : {}) } : {}),
        ...(m.alt !== undefined ? { alt: m.alt } : {}),
      })),
      options: target.options ?? {},
    }) ?? [];
    for (const issue of providerIssues) issues.push({ ...issue, field: at(issue.field) });
  });

  return issues;
}
