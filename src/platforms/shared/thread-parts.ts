// The `thread` target option platforms with reply chains share (Threads, X): follow-up texts published in order,
// each replying to the previous. How a part is read and the checks common to every part live here; each platform
// adds its own per-part rules (its length as it counts it, its tag limit).
import type { ValidationIssue } from '../provider.js';

/** The follow-up texts of a thread (validated by the API before anything runs). */
export function threadParts(options: Record<string, unknown>): string[] {
  const t = options.thread;
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Issues of `options.thread`: an array of at most `maxParts` non-blank texts, each then checked by `checkPart`
 * (given the part and its field name, `options.thread.<i>`).
 */
export function validateThreadOption(
  thread: unknown,
  rules: { maxParts: number; checkPart(part: string, field: string): ValidationIssue[] },
): ValidationIssue[] {
  if (thread === undefined) return [];
  if (!Array.isArray(thread)) return [{ field: 'options.thread', rule: 'type', message: 'thread must be an array of follow-up texts' }];
  const issues: ValidationIssue[] = [];
  if (thread.length > rules.maxParts) issues.push({ field: 'options.thread', rule: 'max_parts', message: `A thread takes at most ${rules.maxParts} follow-up parts` });
  thread.forEach((part, i) => {
    const field = `options.thread.${i}`;
    if (typeof part !== 'string' || part.trim() === '') issues.push({ field, rule: 'required', message: 'Each follow-up part of a thread needs text' });
    else issues.push(...rules.checkPart(part, field));
  });
  return issues;
}
