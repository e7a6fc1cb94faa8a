// Captions for one platform: the model is asked with the platform's limits named in the prompt; every caption is
// measured as post validation measures it, the model asked once more about those that do not fit, and what still
// does not fit is trimmed (fit-to-limits.ts). Only the topic, tone, language and platform reach the model.
import type { FastifyBaseLogger } from 'fastify';
import type { ModelClient } from '../../../../ai/model-client.js';
import type { PlatformProvider } from '../../../../platforms/provider.js';
import { limitProblems, measure, normalizeHashtags, trimToLimits } from './fit-to-limits.js';
import { modelCaptionsSchema } from './generate-schemas.js';

export interface CaptionRequest {
  topic: string;
  tone: string;
  language: string;
  variants: number;
}

export interface Caption {
  text: string;
  hashtags: string[];
  length: number;
  repaired: 'none' | 'asked_again' | 'trimmed';
}

const SYSTEM = 'You write social media captions. Follow the platform limits given, count hashtags separately in the '
  + '`hashtags` list (without #), write in the requested language and tone, and answer only with JSON matching the schema.';

export function captionPrompt(req: CaptionRequest, provider: PlatformProvider): string {
  return [
    `Topic: ${req.topic}`,
    `Tone: ${req.tone}`,
    `Language: ${req.language}`,
    `Platform: ${provider.displayName}`,
    `Maximum length: ${provider.limits.maxTextLength}`,
    `Maximum hashtags: ${provider.limits.maxHashtags}`,
    `Variants: ${req.variants}`,
    '',
    'Maximum length counts characters as the platform does, including the hashtags appended as " #tag".',
  ].join('\n');
}

export async function writeCaptions(model: ModelClient, provider: PlatformProvider, req: CaptionRequest, log: FastifyBaseLogger): Promise<Caption[]> {
  const messages = [{ role: 'system' as const, content: SYSTEM }, { role: 'user' as const, content: captionPrompt(req, provider) }];
  const ask = (extra: { role: 'assistant' | 'user'; content: string }[] = []) =>
    model.generate({ purpose: 'caption', schemaName: 'captions', schema: modelCaptionsSchema, messages: [...messages, ...extra], log });

  const first = (await ask()).captions.slice(0, req.variants).map((c) => ({ text: c.text.trim(), hashtags: normalizeHashtags(c.hashtags) }));
  const problems = first.map((c) => limitProblems(c.text, c.hashtags, provider));
  let second: { text: string; hashtags: string[] }[] | undefined;
  if (problems.some((p) => p.length > 0)) {
    const complaint = problems.flatMap((p, i) => p.map((x) => `caption ${i + 1}: ${x}`)).join('; ');
    const again = await ask([
      { role: 'assistant', content: JSON.stringify({ captions: first }) },
      { role: 'user', content: `These captions break the limits (${complaint}). Write all ${first.length} again within the limits.` },
    ]);
    second = again.captions.map((c) => ({ text: c.text.trim(), hashtags: normalizeHashtags(c.hashtags) }));
  }

  return first.map((caption, i) => {
    if (problems[i]!.length === 0) return { ...caption, length: measure(caption.text, caption.hashtags, provider).textLength, repaired: 'none' };
    const retried = second?.[i];
    if (retried && limitProblems(retried.text, retried.hashtags, provider).length === 0) {
      return { ...retried, length: measure(retried.text, retried.hashtags, provider).textLength, repaired: 'asked_again' };
    }
    return { ...trimToLimits((retried ?? caption).text, (retried ?? caption).hashtags, provider), repaired: 'trimmed' };
  });
}
