// Rules every piece of text a request carries must follow, whatever route or schema it reaches: Postgres refuses
// U+0000 in text and jsonb (a 500 if it got that far), and a lone UTF-16 surrogate is not a character at all (it
// would be stored or forwarded to a platform as U+FFFD). Checked on the parsed request parts, keys included, so
// fields a schema leaves open (`options`, `z.unknown()`) are covered too.
import type { ValidationIssue } from '../../platforms/provider.js';
import { joinPath } from './zod-issues.js';

const LONE_SURROGATE = /\p{Surrogate}/u;

/** The text rule `text` breaks, if any, as an issue on `field` (`what` names it in the message). */
export function textIssue(text: string, field: string, what: string): ValidationIssue | undefined {
  if (text.includes('\u0000')) return { field, rule: 'no_nul_character', message: `${what} contains the NUL character (U+0000), which is not allowed in text` };
  if (LONE_SURROGATE.test(text)) return { field, rule: 'lone_surrogate', message: `${what} contains a lone UTF-16 surrogate, which is not a character` };
  return undefined;
}

/**
 * Every string in `value` (a parsed body, query or params object) that breaks a text rule, named by its dotted
 * path inside `part`. Walks iteratively: a deeply nested JSON body cannot overflow the stack.
 */
export function textIssues(value: unknown, part: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const pending: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  while (pending.length > 0) {
    const { value: v, path } = pending.pop()!;
    if (typeof v === 'string') {
      const issue = textIssue(v, joinPath(part, path), 'the value');
      if (issue) issues.push(issue);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) pending.push({ value: v[i], path: [...path, i] });
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const issue = textIssue(key, joinPath(part, [...path, key]), 'the key');
        if (issue) issues.push(issue);
        else pending.push({ value: child, path: [...path, key] });
      }
    }
  }
  return issues;
}

/**
 * Names of query parameters whose percent-encoding is broken (`%zz`, or bytes that are not UTF-8 such as `%ff`):
 * the query parser would silently keep them raw or turn them into U+FFFD.
 */
export function badlyEncodedQueryKeys(rawQuery: string): string[] {
  const bad: string[] = [];
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const key = strictDecode(rawKey);
    const value = eq === -1 ? '' : strictDecode(pair.slice(eq + 1));
    if (key === undefined || value === undefined) bad.push(key ?? rawKey);
  }
  return bad;
}

function strictDecode(component: string): string | undefined {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
