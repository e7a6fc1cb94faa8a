// The snippet/status a client writes on videos.insert and videos.update, checked as §3.6 says: title ≤ 100
// characters without `<` `>` (invalidTitle), description ≤ 5,000 bytes without `<` `>` (invalidDescription), tags
// ≤ 500 characters as YouTube counts them (invalidTags), a known categoryId (invalidCategoryId), and publishAt only
// on a private video (invalidPublishAt).
import { z } from 'zod';

/** YouTube's assignable category ids (the US list; the sandbox does not vary it by region). */
export const CATEGORY_IDS = ['1', '2', '10', '15', '17', '19', '20', '22', '23', '24', '25', '26', '27', '28', '29'];

/** §3.6: commas between tags count, a tag with a space counts as if quoted. */
export function tagsLength(tags: string[]): number {
  return tags.reduce((n, t) => n + [...t].length + (t.includes(' ') ? 2 : 0), 0) + Math.max(0, tags.length - 1);
}

export const metadataSchema = z.object({
  id: z.string().optional(),
  snippet: z.object({
    title: z.string().optional(),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    categoryId: z.string().optional(),
  }).passthrough().optional(),
  status: z.object({
    privacyStatus: z.enum(['public', 'unlisted', 'private']).optional(),
    publishAt: z.string().optional(),
    selfDeclaredMadeForKids: z.boolean().optional(),
  }).passthrough().optional(),
}).passthrough();
export type VideoMetadata = z.output<typeof metadataSchema>;

/** The first rule the metadata breaks, as Google's reason and message; undefined when it is fine. */
export function metadataProblem(m: VideoMetadata, requireTitle: boolean): { reason: string; message: string } | undefined {
  const title = m.snippet?.title;
  if (title === undefined || title.trim() === '') {
    if (requireTitle) return { reason: 'invalidTitle', message: 'The request metadata specifies an invalid or empty video title.' };
  } else if ([...title].length > 100 || /[<>]/.test(title)) {
    return { reason: 'invalidTitle', message: 'The request metadata specifies an invalid or empty video title.' };
  }
  const description = m.snippet?.description;
  if (description !== undefined && (Buffer.byteLength(description) > 5000 || /[<>]/.test(description))) {
    return { reason: 'invalidDescription', message: 'The request metadata specifies an invalid video description.' };
  }
  if (m.snippet?.tags && tagsLength(m.snippet.tags) > 500) return { reason: 'invalidTags', message: 'The request metadata specifies invalid video keywords.' };
  if (m.snippet?.categoryId !== undefined && !CATEGORY_IDS.includes(m.snippet.categoryId)) {
    return { reason: 'invalidCategoryId', message: 'The snippet.categoryId property specifies an invalid category ID.' };
  }
  const publishAt = m.status?.publishAt;
  if (publishAt !== undefined && (Number.isNaN(Date.parse(publishAt)) || m.status?.privacyStatus !== 'private')) {
    return { reason: 'invalidPublishAt', message: 'The request metadata specifies an invalid scheduled publishing time.' };
  }
  return undefined;
}
