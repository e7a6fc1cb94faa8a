// Fault injection: rules that make platform routes misbehave on demand, the same way for every platform.
// The frame evaluates them in its platform hooks (see platform-scope.ts): after the body is parsed and before the
// platform's handler runs. Every matching active rule counts a hit, in the order the rules were added:
//   delay             - waits, then lets later rules and the handler proceed (delays add up);
//   duplicate_webhook - arms the matched platform's NEXT webhook delivery to be sent `copies` extra times, then
//                       proceeds (request-triggered: match e.g. `POST /testbed/v1/posts` to duplicate that post's event);
//   status            - answers with the given status/body/headers instead of running the handler (no effect);
//   drop_after_effect - runs the handler (its effect is applied), then replaces the answer with a destroyed socket
//                       (`reset`) or the given status (`status`, default 502): the classic lost response.
//   cut_body          - for binary (upload) bodies: lets `afterBytes` bytes through to the handler, then destroys the
//                       connection mid-body (a network drop during an upload); the platform keeps what it received.
// The first `status` or `drop_after_effect` rule that matches decides; rules after it are not evaluated.
// `times` is how often a rule fires (default 1; 0 = unlimited); exhausted rules stay listed with their hits.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { matchesPathPattern } from './path-pattern.js';

const httpStatus = z.number().int().min(100).max(599);

export const faultMatchSchema = z.object({
  method: z.string().min(1).transform((m) => m.toUpperCase()).optional(),
  path: z.string().startsWith('/', 'must start with /'),
  bodyIncludes: z.string().min(1).optional(),
  header: z.object({ name: z.string().min(1), value: z.string() }).optional(),
});

export const faultActionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('status'),
    status: httpStatus,
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ type: z.literal('delay'), ms: z.number().int().min(0).max(600_000) }),
  z.object({ type: z.literal('drop_after_effect'), mode: z.enum(['reset', 'status']), status: httpStatus.optional() }),
  z.object({ type: z.literal('duplicate_webhook'), copies: z.number().int().min(1).max(20) }),
  z.object({ type: z.literal('cut_body'), afterBytes: z.number().int().min(0) }),
]);

export const faultInputSchema = z.object({
  id: z.string().min(1).max(100).optional(),
  match: faultMatchSchema,
  action: faultActionSchema,
  times: z.number().int().min(0).default(1),
});

export type FaultMatch = z.output<typeof faultMatchSchema>;
export type FaultAction = z.output<typeof faultActionSchema>;
export type FaultInput = z.input<typeof faultInputSchema>;

export interface FaultRule {
  id: string;
  match: FaultMatch;
  action: FaultAction;
  times: number;
  hits: number;
  createdAt: string;
}

/** What the frame knows about a request when it evaluates the rules. */
export interface FaultCandidate {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Raw text of a JSON/form body; undefined for streamed (binary) or absent bodies. */
  bodyText?: string;
}

export function isActive(rule: FaultRule): boolean {
  return rule.times === 0 || rule.hits < rule.times;
}

function headerValues(headers: FaultCandidate['headers'], name: string): string[] {
  const v = headers[name.toLowerCase()];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function ruleMatches(match: FaultMatch, req: FaultCandidate): boolean {
  if (match.method && match.method !== req.method.toUpperCase()) return false;
  if (!matchesPathPattern(match.path, req.path)) return false;
  if (match.bodyIncludes !== undefined && !(req.bodyText ?? '').includes(match.bodyIncludes)) return false;
  if (match.header && !headerValues(req.headers, match.header.name).includes(match.header.value)) return false;
  return true;
}

export class DuplicateFaultIdError extends Error {}

export class FaultStore {
  private rules: FaultRule[] = [];

  add(input: z.output<typeof faultInputSchema>): FaultRule {
    const id = input.id ?? `fault_${randomUUID().slice(0, 8)}`;
    if (this.rules.some((r) => r.id === id)) throw new DuplicateFaultIdError(`fault ${id} already exists`);
    const rule: FaultRule = { id, match: input.match, action: input.action, times: input.times, hits: 0, createdAt: new Date().toISOString() };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /**
   * The rules that fire for this request, in order, each counted as a hit. Stops after the first rule that decides
   * the answer (`status` / `drop_after_effect`).
   */
  fire(req: FaultCandidate): FaultRule[] {
    const fired: FaultRule[] = [];
    for (const rule of this.rules) {
      if (!isActive(rule) || !ruleMatches(rule.match, req)) continue;
      rule.hits += 1;
      fired.push(rule);
      if (rule.action.type === 'status' || rule.action.type === 'drop_after_effect') break;
    }
    return fired;
  }
}
