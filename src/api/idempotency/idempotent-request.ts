// One request's Idempotency-Key and its claim on the (user, key) record: claim it (or get the first request's answer,
// or a 409), replay a first answer, and settle the claim with this request's answer once it is sent.
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Db } from '../../db/client.js';
import { conflict } from '../errors.js';
import {
  claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey, type StoredAnswer,
} from './idempotency-records.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** Headers of the first answer a replay repeats; the rest (rate-limit counters, dates) describe the new request. */
const replayedHeaders = ['content-type', 'location'];

/** The key a request carries and what it asked for; `state` follows the claim. */
export class IdempotentRequest {
  state: 'unclaimed' | 'claimed' | 'replayed' = 'unclaimed';

  constructor(
    private readonly db: Db,
    private readonly ttlHours: number,
    readonly userId: string,
    readonly key: string,
    private readonly requestFingerprint: string,
  ) {}

  /**
   * Claims the key for this request (null), or returns the first request's answer, which the caller replays instead
   * of acting. Throws 409 when the key belongs to another request or its first request is still running.
   */
  async claim(contentFingerprint?: string): Promise<StoredAnswer | null> {
    const fingerprint = contentFingerprint === undefined
      ? this.requestFingerprint
      : sha256(`${this.requestFingerprint}\n${contentFingerprint}`);
    const result = await claimIdempotencyKey(this.db, { userId: this.userId, key: this.key, fingerprint, ttlHours: this.ttlHours });
    if (result.claimed) {
      this.state = 'claimed';
      return null;
    }
    const { record } = result;
    if (record.fingerprint !== fingerprint) {
      throw conflict(`this ${IDEMPOTENCY_HEADER} was already used for a different request`, [{
        field: IDEMPOTENCY_HEADER, rule: 'reused_with_different_request', message: 'send a new key for a new request',
      }]);
    }
    if (record.state !== 'completed') {
      throw conflict(`the first request with this ${IDEMPOTENCY_HEADER} is still in progress; retry later`, [{
        field: IDEMPOTENCY_HEADER, rule: 'in_progress', message: 'retry once the first request has answered',
      }]);
    }
    return { status: record.responseStatus!, headers: record.responseHeaders ?? {}, body: record.responseBody };
  }

  /** Answers with the first request's answer, marked as a replay. */
  replay(reply: FastifyReply, answer: StoredAnswer): FastifyReply {
    this.state = 'replayed';
    reply.code(answer.status).headers({ ...answer.headers, [REPLAYED_HEADER.toLowerCase()]: 'true' });
    return answer.body === null ? reply.send() : reply.send(answer.body);
  }

  /** Keeps the answer for replays, or releases the claim after a failure of ours (a retry then acts again). */
  async settle(reply: FastifyReply, payload: unknown): Promise<void> {
    if (this.state !== 'claimed') return;
    const body = payload === null || payload === undefined ? null
      : typeof payload === 'string' ? payload
        : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    if (reply.statusCode >= 500 || body === undefined) {
      await releaseIdempotencyKey(this.db, this.userId, this.key);
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of replayedHeaders) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    const answer: StoredAnswer = { status: reply.statusCode, headers, body };
    await completeIdempotencyKey(this.db, this.userId, this.key, answer);
  }
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
