// Workflow code must keep replaying the histories already running: every recorded history (test/replay/histories/
// <set>/, written by `npm run histories:record`) is replayed on today's workflow bundle. A change that would make a running
// workflow take another path fails here with a DeterminismViolationError; guard it with patched() (README, "Changing
// workflow code").
import { describe, expect, inject, test } from 'vitest';
import { Worker } from '@temporalio/worker';
import * as workflows from '../../src/workflows/index.js';
import { loadHistoryFixtures } from './support/history-fixtures.js';

const fixtures = loadHistoryFixtures();

describe('recorded workflow histories', () => {
  test('every workflow type the worker registers has recorded histories in the newest set', () => {
    // Set names begin with their recording time (UTC), so the last in name order is the newest.
    const newest = fixtures.at(-1)?.set;
    const recorded = new Set(fixtures.filter((f) => f.set === newest).map((f) => f.workflowType));
    expect(Object.keys(workflows).filter((type) => !recorded.has(type))).toEqual([]);
  });

  test('every recorded history replays on the current workflow code', async () => {
    const results: { workflowId: string; error?: string }[] = [];
    // Ids are unique per set only (a later set may record the same workflow again): replay under set-qualified ids.
    const replays = Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, replayName: 'herald-recorded-histories' },
      fixtures.map((f) => ({ workflowId: `${f.set}/${f.scenario}`, history: f.parsed })),
    );
    for await (const r of replays) results.push({ workflowId: r.workflowId, ...(r.error ? { error: String(r.error) } : {}) });
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(results.map((r) => r.workflowId).sort()).toEqual(fixtures.map((f) => `${f.set}/${f.scenario}`).sort());
  }, 120_000);
});
