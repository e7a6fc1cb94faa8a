// Recorded workflow histories, committed under test/replay/histories: one JSON file per scenario and workflow. The
// replay test runs every one of them on today's workflow code; `npm run histories:record` writes them.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

type History = proto.temporal.api.history.v1.IHistory;
const { History: HistoryMessage, EventType } = { History: proto.temporal.api.history.v1.History, EventType: proto.temporal.api.enums.v1.EventType };

export const historiesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'histories');

export interface HistoryFixture {
  /** What state the workflow was in, e.g. `post-waiting`; also the file name. */
  scenario: string;
  workflowType: string;
  workflowId: string;
  recordedAt: string;
  /** The event types in order, for people reading the fixture. */
  events: string[];
  /**
   * The history as protobuf bytes, base64. Binary on purpose: the SDK's proto-JSON helpers (historyToJSON) trip over
   * the several copies of protobufjs npm installs beside each other here ("type must be a Type").
   */
  historyProtoBase64: string;
}

/** Saves the history of one run as it is now (running or closed). */
export async function recordHistory(client: Client, scenario: string, workflowId: string, runId?: string): Promise<HistoryFixture> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const [history, description] = await Promise.all([handle.fetchHistory(), handle.describe()]);
  const fixture: HistoryFixture = {
    scenario, workflowType: description.type, workflowId, recordedAt: new Date().toISOString(),
    events: (history.events ?? []).map((e) => String(EventType[e.eventType ?? 0]).replace(/^EVENT_TYPE_/, '')),
    historyProtoBase64: Buffer.from(HistoryMessage.encode(HistoryMessage.fromObject(history)).finish()).toString('base64'),
  };
  mkdirSync(historiesDir, { recursive: true });
  writeFileSync(join(historiesDir, `${scenario}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
  return fixture;
}

export function loadHistoryFixtures(): (HistoryFixture & { parsed: History })[] {
  return readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const fixture = JSON.parse(readFileSync(join(historiesDir, file), 'utf8')) as HistoryFixture;
    return { ...fixture, parsed: HistoryMessage.decode(Buffer.from(fixture.historyProtoBase64, 'base64')) };
  });
}
