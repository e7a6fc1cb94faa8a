// TikTok sends int64 values as raw JSON numbers (`publicaly_available_post_id` holds 19-digit post ids, beyond
// Number.MAX_SAFE_INTEGER). Every TikTok body is parsed here: numbers a double holds exactly stay numbers, any
// other number is kept as its exact decimal text, so no id ever passes through a lossy JS number.
import { isSafeNumber, parse } from 'lossless-json';
import type { Json } from '../provider.js';

export function parseTiktokJson(text: string): Json {
  return parse(text, null, (value) => (isSafeNumber(value) ? Number(value) : value)) as Json;
}

/** An id from a parsed body as a string (ids may arrive as numbers or strings); undefined when absent. */
export function idString(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return undefined;
}
