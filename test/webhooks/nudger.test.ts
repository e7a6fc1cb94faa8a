// The API's nudge of ingestion, against a recording stand-in for the Temporal client: bursts coalesce into few
// calls, nothing stored is left without a nudge after it, and a failed nudge is tried again.
import { describe, expect, test } from 'vitest';
import { WebhookIngestNudger } from '../../src/temporal/webhook-dispatch.js';
import { waitFor } from '../sandbox/helpers.js';

interface Call { at: number; workflowId: string; args: unknown[] }

function fakeClient(opts: { latencyMs?: number; failFirst?: number } = {}) {
  const calls: Call[] = [];
  let failures = opts.failFirst ?? 0;
  const client = {
    workflow: {
      async signalWithStart(_type: string, o: { workflowId: string; args: unknown[] }) {
        calls.push({ at: Date.now(), workflowId: o.workflowId, args: o.args });
        await new Promise((r) => setTimeout(r, opts.latencyMs ?? 5));
        if (failures > 0) {
          failures--;
          throw new Error('14 UNAVAILABLE: connection refused');
        }
        return {};
      },
    },
  };
  return { client: client as never, calls };
}

const warnings: object[] = [];
const log = { warn: (obj: object) => { warnings.push(obj); } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WebhookIngestNudger', () => {
  test('a burst of deliveries makes one nudge at once and one more after the interval', async () => {
    const { client, calls } = fakeClient({ latencyMs: 20 });
    const nudger = new WebhookIngestNudger(client, 'q', log, { minIntervalMs: 100 });
    for (let i = 0; i < 500; i++) nudger.nudge('tiktok');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ workflowId: 'webhook-ingest:tiktok', args: [{ platform: 'tiktok' }] });
    await waitFor(() => calls.length === 2, 1_000, 'the follow-up nudge');
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(95);
    await sleep(250);
    expect(calls).toHaveLength(2);
    await nudger.close();
  });

  test('steady traffic is held to one nudge per interval per platform', async () => {
    const { client, calls } = fakeClient();
    const nudger = new WebhookIngestNudger(client, 'q', log, { minIntervalMs: 100 });
    const until = Date.now() + 1_000;
    while (Date.now() < until) {
      nudger.nudge('a');
      nudger.nudge('b');
      await sleep(2);
    }
    await sleep(150);
    const perPlatform = (p: string) => calls.filter((c) => c.workflowId === `webhook-ingest:${p}`).length;
    for (const p of ['a', 'b']) {
      expect(perPlatform(p)).toBeGreaterThanOrEqual(5);
      expect(perPlatform(p)).toBeLessThanOrEqual(12);
    }
    await nudger.close();
  });

  test('the first delivery after a quiet spell is nudged at once', async () => {
    const { client, calls } = fakeClient();
    const nudger = new WebhookIngestNudger(client, 'q', log, { minIntervalMs: 50 });
    nudger.nudge('x');
    await sleep(120);
    const before = Date.now();
    nudger.nudge('x');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at - before).toBeLessThan(10);
    await nudger.close();
  });

  test('a failed nudge is tried again with backoff until it goes through', async () => {
    warnings.length = 0;
    const { client, calls } = fakeClient({ failFirst: 2 });
    const nudger = new WebhookIngestNudger(client, 'q', log, { minIntervalMs: 10, retryDelayMs: 50 });
    nudger.nudge('x');
    await waitFor(() => calls.length === 3, 2_000, 'three tries');
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(45);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(95);
    expect(warnings).toHaveLength(2);
    expect(JSON.stringify(warnings)).toContain('UNAVAILABLE');
    await sleep(200);
    expect(calls).toHaveLength(3);
    await nudger.close();
  });

  test('close stops retries and waits for the nudge in flight', async () => {
    const { client, calls } = fakeClient({ failFirst: 100, latencyMs: 30 });
    const nudger = new WebhookIngestNudger(client, 'q', log, { retryDelayMs: 20 });
    nudger.nudge('x');
    await nudger.close();
    await sleep(100);
    expect(calls).toHaveLength(1);
    nudger.nudge('x');
    expect(calls).toHaveLength(1);
  });
});
