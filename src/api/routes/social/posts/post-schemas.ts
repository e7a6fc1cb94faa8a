// Request and response schemas of the posts routes. Shape rules live here (types, lengths, formats); rules that
// need the database, the clock or a platform's limits live in post-validation.ts and schedule-time.ts.
import { z } from 'zod';
import { postStatus, targetStatus } from '../../../../db/schema.js';
import { isoDateTime } from '../../../schemas/common.js';
import { ianaTimeZone } from '../../../validation/timezone.js';

export const MAX_CONTENT_LENGTH = 10_000;

const rule = (name: string, message: string) => ({ message, params: { rule: name } });

const hashtag = z.string()
  .max(100)
  .refine((s) => /^#?[^\s#]+$/u.test(s), rule('hashtag', 'a hashtag is one word without spaces, with or without a leading #'))
  .transform((s) => s.replace(/^#/, ''))
  .meta({ pattern: '^#?[^\\s#]+$' });

const mediaRef = z.strictObject({
  mediaId: z.uuid().optional().describe('An uploaded file (POST /api/social/media)'),
  url: z.url({ protocol: /^https?$/ }).max(2048).optional().describe('Or a public http(s) URL the platform can fetch'),
  alt: z.string().max(2000).optional().describe('Alt text: the image described for people who cannot see it, sent to platforms that take it'),
}).refine((m) => (m.mediaId === undefined) !== (m.url === undefined), rule('media_ref', 'give exactly one of mediaId or url'));

const target = z.strictObject({
  accountId: z.uuid().describe('A connected social account of the caller'),
  text: z.string().max(MAX_CONTENT_LENGTH).nullable().optional().describe('Replaces `content` for this account; null to use `content`'),
  options: z.record(z.string(), z.unknown()).optional().describe('Platform-specific options, checked by the platform'),
});

const localTime = z.string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(s), rule('local_datetime', 'must be YYYY-MM-DDTHH:mm[:ss], without offset'))
  .meta({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$' })
  .describe('Wall-clock time in `timezone` (or the user\'s zone), e.g. 2030-03-31T09:30. A time skipped by a DST change is refused; one that occurs twice needs `fold`');

const scheduleFields = {
  scheduledAt: isoDateTime.optional().describe('When to publish: ISO 8601 with offset or Z. Exclusive with localTime'),
  localTime: localTime.optional(),
  timezone: ianaTimeZone.optional().describe('IANA zone of localTime, stored with the post (default: the user\'s zone)'),
  fold: z.enum(['earlier', 'later']).optional()
    .describe('For a localTime that occurs twice (clocks going back): the first or the second occurrence. Without it such a time is refused (rule `ambiguous_local_time`)'),
};

const contentFields = {
  content: z.string().max(MAX_CONTENT_LENGTH),
  hashtags: z.array(hashtag).max(100).describe('Appended to each target\'s text as ` #tag`; a leading # is optional'),
  media: z.array(mediaRef).max(20),
  targets: z.array(target).min(1).max(20).describe('One entry per account to publish to; accountIds unique'),
};

/** A draft being written: like a new post, but it may have no target yet (its counters and issues so far). */
export const validatePostBody = createPostBodyShape().extend({
  targets: z.array(target).max(20).describe('The accounts chosen so far (may be none yet)'),
});
export type ValidatePostBody = z.infer<typeof validatePostBody>;

function createPostBodyShape() {
  return z.strictObject({
    content: contentFields.content,
    hashtags: contentFields.hashtags.optional(),
    media: contentFields.media.optional(),
    targets: contentFields.targets,
    ...scheduleFields,
  });
}

export const createPostBody = createPostBodyShape();
export type CreatePostBody = z.infer<typeof createPostBody>;

export const updatePostBody = z.strictObject({
  content: contentFields.content.optional(),
  hashtags: contentFields.hashtags.optional(),
  media: contentFields.media.optional(),
  targets: contentFields.targets.optional().describe('Replaces all targets when present'),
  ...scheduleFields,
});
export type UpdatePostBody = z.infer<typeof updatePostBody>;

export const schedulePostBody = z.strictObject(scheduleFields);
export type SchedulePostBody = z.infer<typeof schedulePostBody>;

export const listPostsQuery = z.strictObject({
  from: isoDateTime.optional().describe('Only posts scheduled at or after this instant'),
  to: isoDateTime.optional().describe('Only posts scheduled at or before this instant'),
  status: z.enum(postStatus.enumValues).optional(),
  platform: z.string().min(1).max(64).optional().describe('Only posts with a target on this platform'),
  accountId: z.uuid().optional().describe('Only posts with a target on this account'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,512}$/).optional()
    .describe('`nextCursor` of the previous page, as given (opaque base64url); any other value is refused (rule `cursor`)'),
});
export type ListPostsQuery = z.infer<typeof listPostsQuery>;

export const cancelPostQuery = z.strictObject({
  keepStaged: z.enum(['true', 'false']).default('false')
    .describe('Keep what a platform already holds from staging ahead of the due time (a YouTube video uploaded private with publishAt), unscheduled, instead of deleting it'),
});

// ---------------------------------------------------------------------------------------------------------------
// Responses

const attemptSchema = z.object({
  at: z.string(),
  step: z.string(),
  outcome: z.string().describe('Commit steps: intent, ok, error, ambiguous, reconciled. Other steps: started, ok, error, and pending with the platform status (await steps)'),
  code: z.string().optional(),
  message: z.string().optional(),
});

export const targetSchema = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  platform: z.string(),
  status: z.enum(targetStatus.enumValues),
  text: z.string().nullable().describe('This target\'s own text; null when it publishes the post\'s content'),
  options: z.record(z.string(), z.unknown()),
  publishId: z.string().nullable(),
  containerId: z.string().nullable(),
  platformPostId: z.string().nullable(),
  permalink: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  attempts: z.array(attemptSchema).describe('Publish steps tried, in order'),
  publishedAt: z.iso.datetime().nullable(),
});

export const postSchema = z.object({
  id: z.uuid(),
  status: z.enum(postStatus.enumValues),
  content: z.string(),
  hashtags: z.array(z.string()),
  media: z.array(z.object({ mediaId: z.string().optional(), url: z.string().optional(), alt: z.string().optional() })),
  scheduledAt: z.iso.datetime().nullable(),
  timezone: z.string().describe('IANA zone the post was written in'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  publishedAt: z.iso.datetime().nullable(),
  cancelledAt: z.iso.datetime().nullable(),
  attentionReason: z.string().nullable().describe('Why the post is needs_attention (what to check before publishing again); null otherwise'),
  targets: z.array(targetSchema),
});
export type PostView = z.infer<typeof postSchema>;

/** A single post as GET /api/social/posts/:id gives it: with where operators find each target's workflow. */
export const postDetailSchema = postSchema.extend({
  targets: z.array(targetSchema.extend({
    workflowId: z.string().describe('The target\'s publishTarget workflow (Temporal)'),
    workflowUrl: z.string().nullable().describe('That workflow in the Temporal Web UI; null when TEMPORAL_UI_URL is not configured'),
  })),
});
export type PostDetailView = z.infer<typeof postDetailSchema>;

export const validationResultSchema = z.object({
  valid: z.boolean().describe('Creating this post now would be accepted'),
  issues: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() }))
    .describe('Everything POST /api/social/posts would refuse, each naming its field and rule'),
  targets: z.array(z.object({
    accountId: z.uuid(),
    platform: z.string(),
    textLength: z.number().int().describe('This target\'s text with hashtags appended, as its platform counts it'),
    maxTextLength: z.number().int(),
    hashtagCount: z.number().int(),
    maxHashtags: z.number().int(),
  })).describe('Counters of the targets whose account and platform are known'),
});
export type ValidationResult = z.infer<typeof validationResultSchema>;

export const postListSchema = z.object({
  data: z.array(postSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});
