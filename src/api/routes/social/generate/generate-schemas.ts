// Request and response schemas of the generate routes (OpenAPI and validation from the same zod schemas).
import { z } from 'zod';

export const captionRequestSchema = z.object({
  topic: z.string().trim().min(1).max(2000).describe('What the post is about; the only text of yours the model sees besides tone and language'),
  tone: z.string().trim().min(1).max(40).default('friendly').describe('e.g. friendly, professional, playful'),
  accountIds: z.array(z.uuid()).min(1).max(20).optional().describe('Write for these connected accounts\' platforms (or give `platforms`)'),
  platforms: z.array(z.string().min(1).max(40)).min(1).max(20).optional().describe('Platform ids or aliases (or give `accountIds`)'),
  language: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or pt-BR').default('en'),
  variants: z.number().int().min(1).max(5).default(1).describe('Captions per platform'),
});

const limitsSchema = z.object({ maxTextLength: z.number().int(), maxHashtags: z.number().int() });

export const captionResponseSchema = z.object({
  data: z.array(z.object({
    platform: z.string(),
    accountIds: z.array(z.string()).describe('The requested accounts on this platform (empty when `platforms` was given)'),
    limits: limitsSchema,
    captions: z.array(z.object({
      text: z.string(),
      hashtags: z.array(z.string()).describe('Without `#`; appended to the text when published as a post\'s hashtags'),
      length: z.number().int().describe('Text and hashtags as the platform counts them'),
      repaired: z.enum(['none', 'asked_again', 'trimmed']).describe('How the answer was brought within the limits'),
    })),
  })),
  model: z.string(),
});

/** What the model is asked to answer for captions. */
export const modelCaptionsSchema = z.object({
  captions: z.array(z.object({ text: z.string().min(1), hashtags: z.array(z.string()) })).min(1),
});

export const hashtagRequestSchema = z.object({
  content: z.string().trim().min(1).max(5000).describe('The post\'s text; the only text of yours the model sees'),
  platform: z.string().min(1).max(40).describe('Platform id or alias'),
  count: z.number().int().min(1).max(30).optional().describe('How many; at most the platform\'s hashtag limit (default: that limit, at most 5)'),
});

export const hashtagResponseSchema = z.object({
  platform: z.string(),
  maxHashtags: z.number().int(),
  hashtags: z.array(z.object({
    tag: z.string().describe('Without `#`'),
    source: z.enum(['history', 'model']).describe('`history`: one of your own hashtags whose posts engaged above your average here'),
    kind: z.enum(['broad', 'specific']).nullable().describe('Model suggestions: a broad, popular tag or one specific to the content'),
    engagementRate: z.number().nullable().describe('History: mean engagement rate (%) of your targets that carried it'),
  })),
  model: z.string(),
});

/** What the model is asked to answer for hashtags. */
export const modelHashtagsSchema = z.object({
  hashtags: z.array(z.object({ tag: z.string().min(1), kind: z.enum(['broad', 'specific']) })).min(1),
});
