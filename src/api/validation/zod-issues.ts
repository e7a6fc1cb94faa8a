// Turns zod issues into the API's `{ field, rule, message }` details. `field` is the dotted path inside the request
// part (`targets.0.accountId`); `rule` is a short, stable machine name a client can switch on. Custom refinements
// name their rule through `params: { rule }`.
import type { z } from 'zod';
import type { ValidationIssue } from '../../platforms/provider.js';

type Issue = z.core.$ZodIssue;

const formatRules: Record<string, string> = { regex: 'pattern', datetime: 'iso_datetime' };

function ruleOf(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      // zod reports the input only when there was one (parsed with `reportInput`): absent means the field is missing.
      if (!('input' in issue) || issue.input === undefined) return 'required';
      return issue.expected === 'int' ? 'integer' : 'type';
    case 'invalid_format':
      return formatRules[issue.format] ?? issue.format;
    case 'too_big':
      return issue.origin === 'string' ? 'max_length' : issue.origin === 'array' || issue.origin === 'set' ? 'max_items' : 'max';
    case 'too_small':
      return issue.origin === 'string' ? 'min_length' : issue.origin === 'array' || issue.origin === 'set' ? 'min_items' : 'min';
    case 'invalid_value':
      return 'enum';
    case 'invalid_union':
      return 'one_of';
    case 'not_multiple_of':
      return 'multiple_of';
    case 'custom': {
      const rule = (issue.params as { rule?: unknown } | undefined)?.rule;
      return typeof rule === 'string' ? rule : 'invalid';
    }
    default:
      return 'invalid';
  }
}

export function joinPath(base: string | undefined, path: readonly PropertyKey[]): string {
  const parts = path.map((p) => String(p));
  if (parts.length === 0) return base ?? '';
  return parts.join('.');
}

/** `part` names the request part (`body`, `querystring`, `params`) and stands in for the field of root-level issues. */
export function issuesFromZod(issues: readonly Issue[], part: string): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // One entry per unknown key, so a typo such as `scheduled_at` is named exactly.
      for (const key of issue.keys) {
        out.push({ field: joinPath(part, [...issue.path, key]), rule: 'unknown_field', message: `unknown field "${key}"` });
      }
      continue;
    }
    out.push({ field: joinPath(part, issue.path), rule: ruleOf(issue), message: messageOf(issue) });
  }
  return out;
}

function messageOf(issue: Issue): string {
  if (issue.code === 'invalid_type' && (!('input' in issue) || issue.input === undefined)) return 'is required';
  return issue.message;
}
