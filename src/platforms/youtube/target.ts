// A YouTube target's rules (§3.6): one video per post (a Short is simply a vertical video of up to 3 minutes: no
// separate API). Options, checked when the post is created (400 naming `targets.N.options.<name>`):
//   title        required, ≤ 100 characters, no `<` or `>`
//   description  ≤ 5,000 bytes (UTF-8), no `<` or `>`; default: the post's text (then checked as the text)
//   tags         ≤ 500 characters as YouTube counts them (commas between tags count; a tag with a space counts its
//                quotes)
//   categoryId   one of YouTube's category ids (default 22, People & Blogs)
//   madeForKids  status.selfDeclaredMadeForKids (default false)
//   privacy      public | unlisted | private (default public)
//   thumbnail    the media id of an uploaded JPEG or PNG of at most 2 MB, set after processing (thumbnails.set); its
//                existence and type are checked when it is set (validation has no access to the media table)
import { z } from 'zod';
import type { TargetDraft, ValidationIssue } from '../provider.js';

export const MAX_TITLE_CHARS = 100;
export const MAX_DESCRIPTION_BYTES = 5000;
export const MAX_TAGS_CHARS = 500;
export const PRIVACY = ['public', 'unlisted', 'private'] as const;
/** YouTube's assignable video categories (US), in the order YouTube lists them. */
export const CATEGORIES: [string, string][] = [
  ['1', 'Film & Animation'], ['2', 'Autos & Vehicles'], ['10', 'Music'], ['15', 'Pets & Animals'], ['17', 'Sports'], ['19', 'Travel & Events'],
  ['20', 'Gaming'], ['22', 'People & Blogs'], ['23', 'Comedy'], ['24', 'Entertainment'], ['25', 'News & Politics'], ['26', 'Howto & Style'],
  ['27', 'Education'], ['28', 'Science & Technology'], ['29', 'Nonprofits & Activism'],
];
export const VIDEO_TYPES = ['video/mp4', 'video/quicktime', 'video/webm', 'video/x-msvideo', 'video/mpeg'];

/** §3.6: YouTube's count of a tag list: commas between tags, quotes around a tag with a space. */
export function tagsLength(tags: string[]): number {
  return tags.reduce((n, t) => n + [...t].length + (t.includes(' ') ? 2 : 0), 0) + Math.max(0, tags.length - 1);
}

const ANGLE = /[<>]/;

export const youtubeTargetOptions = z.object({
  title: z.string().trim().min(1, 'A YouTube video needs a title')
    .refine((t) => [...t].length <= MAX_TITLE_CHARS, `A title has at most ${MAX_TITLE_CHARS} characters`)
    .refine((t) => !ANGLE.test(t), 'A title may not contain < or >'),
  description: z.string().refine((d) => Buffer.byteLength(d) <= MAX_DESCRIPTION_BYTES, `A description has at most ${MAX_DESCRIPTION_BYTES} bytes (UTF-8)`)
    .refine((d) => !ANGLE.test(d), 'A description may not contain < or >').optional(),
  tags: z.array(z.string().trim().min(1, 'A tag may not be empty').refine((t) => !ANGLE.test(t) && !t.includes(','), 'A tag may not contain <, > or a comma'))
    .refine((t) => tagsLength(t) <= MAX_TAGS_CHARS, `Tags total at most ${MAX_TAGS_CHARS} characters as YouTube counts them (commas count; a tag with a space counts its quotes)`).optional(),
  categoryId: z.enum(CATEGORIES.map(([id]) => id) as [string, ...string[]]).default('22'),
  madeForKids: z.boolean().default(false),
  privacy: z.enum(PRIVACY).default('public'),
  thumbnail: z.uuid('thumbnail must be the id of an uploaded image').optional(),
}).strict();
export type YoutubeTargetOptions = z.output<typeof youtubeTargetOptions>;

const RULES: Record<string, string> = { too_big: 'max_length', too_small: 'required', invalid_type: 'type', invalid_value: 'enum', custom: 'format', invalid_format: 'format', unrecognized_keys: 'unknown_option' };

function ruleOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
  if (issue.code === 'custom') {
    if (/at most/.test(issue.message)) return 'max_length';
    if (/may not/.test(issue.message)) return 'forbidden_characters';
  }
  return RULES[issue.code] ?? issue.code;
}

export function validateYoutubeTarget(draft: TargetDraft): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (draft.media.length !== 1 || (draft.media[0]!.contentType !== undefined && !draft.media[0]!.contentType.startsWith('video/'))) {
    issues.push({ field: 'media', rule: 'single_video', message: 'A YouTube post is exactly one video (a Short: vertical, at most 3 minutes)' });
  }
  const parsed = youtubeTargetOptions.safeParse(draft.options);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const path = i.code === 'unrecognized_keys' ? i.keys[0] : i.path.join('.');
      issues.push({ field: `options${path ? `.${path}` : ''}`, rule: ruleOf(i), message: i.message });
    }
  } else if (parsed.data.description === undefined) {
    // The post's text becomes the description: it obeys the description's rules.
    if (Buffer.byteLength(draft.text) > MAX_DESCRIPTION_BYTES) issues.push({ field: 'content', rule: 'max_length', message: `The text becomes the video's description: at most ${MAX_DESCRIPTION_BYTES} bytes (UTF-8), or give options.description` });
    if (ANGLE.test(draft.text)) issues.push({ field: 'content', rule: 'forbidden_characters', message: "The text becomes the video's description, which may not contain < or >: give options.description" });
  }
  return issues;
}

/** The target's options as validated at creation; a target that no longer parses fails rather than guessing. */
export function targetOptionsOf(options: Record<string, unknown>): YoutubeTargetOptions | undefined {
  const parsed = youtubeTargetOptions.safeParse(options);
  return parsed.success ? parsed.data : undefined;
}
