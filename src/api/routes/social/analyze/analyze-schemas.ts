// Request and response schemas of POST /api/social/analyze/content.
import { z } from 'zod';

export const analyzeRequestSchema = z.object({
  content: z.string().min(1).max(10_000),
  hashtags: z.array(z.string().min(1).max(100)).max(100).default([]).describe('Appended as ` #tag` when published, as in a post'),
  media: z.array(z.object({ contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type such as image/jpeg') })).max(40).default([]),
  platforms: z.array(z.string().min(1).max(40)).min(1).max(20).describe('Platform ids or aliases'),
  language: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as en or pt-BR').default('en'),
});

const issueSchema = z.object({
  rule: z.string(),
  severity: z.enum(['refused', 'advice']).describe('`refused`: publishing would be refused as it stands; `advice`: it goes out, but reads worse (cut in the feed, a dead link)'),
  message: z.string(),
});

export const platformAnalysisSchema = z.object({
  platform: z.string(),
  length: z.number().int().describe('Text with hashtags appended, as the platform counts it'),
  maxTextLength: z.number().int(),
  feedPreviewLength: z.number().int().nullable().describe('Characters the feed shows before "more" (approximate); null where not known'),
  feedPreview: z.string().nullable().describe('What the feed shows before it cuts the text, when it does'),
  hashtagCount: z.number().int(),
  maxHashtags: z.number().int(),
  mentionCount: z.number().int(),
  maxMentions: z.number().int().nullable(),
  links: z.array(z.string()),
  linksClickable: z.boolean(),
  emojiCount: z.number().int(),
  emojiDensity: z.number().describe('Emoji per 100 characters of text'),
  media: z.object({ count: z.number().int(), min: z.number().int(), max: z.number().int(), unsupportedTypes: z.array(z.string()) }),
  issues: z.array(issueSchema).describe('Deterministic findings: what would be refused or cut'),
  critique: z.object({
    summary: z.string(),
    rewrites: z.array(z.object({ text: z.string(), reason: z.string(), length: z.number().int() })).describe('Each within the platform\'s limits'),
  }).nullable().describe('From the language model; null when none is configured'),
});

export const analyzeResponseSchema = z.object({
  readability: z.object({
    language: z.string(),
    words: z.number().int(),
    sentences: z.number().int(),
    syllables: z.number().int(),
    fleschReadingEase: z.number().nullable().describe('Flesch reading ease (English only; null for other languages)'),
  }),
  data: z.array(platformAnalysisSchema),
  model: z.string().nullable(),
});

/** What the model is asked for: a short critique with rewrites. */
export const modelCritiqueSchema = z.object({
  summary: z.string().min(1),
  rewrites: z.array(z.object({ text: z.string().min(1), reason: z.string() })).min(1).max(3),
});
