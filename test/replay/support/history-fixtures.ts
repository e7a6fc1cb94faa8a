// Recorded workflow histories, committed under test/replay/histories/<set>/: one JSON file per scenario and workflow.
// A set is one recording run (named by the time (UTC) and the commit whose workflow code produced it) and stays as long as
// workflows of that code may still be running in a deployment: the replay test runs every history of every set on
// today's workflow code. `npm run histories:record` writes a new set.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

type History = proto.temporal.api.history.v1.IHistory;
const HistoryMessage = proto.temporal.api.history.v1.History;
const { EventType } = proto.temporal.api.enums.v1;

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
   * the several copies of protobufjs npm installs side by side here ("type must be a Type").
   */
  historyProtoBase64: string;
}

/**
 * The set this recording run writes: HISTORY_SET (npm run histories:record computes it once, so every scenario file
 * of one run writes the same set), else the time (UTC, to the minute) and the current commit.
 */
function currentSet(): string {
  if (process.env.HISTORY_SET) return process.env.HISTORY_SET;
  const commit = execFileSync('git', ['rev-parse', '--short=7', 'HEAD'], { encoding: 'utf8' }).trim();
  return `${new Date().toISOString().slice(0, 16).replace(/[-:]/g, '')}-${commit}`;
}
const recordingSet = currentSet();

/**
 * Events a workflow task's completion writes (the commands it issued). A history whose last workflow task completed
 * and that ends in such events is at rest: replay reaches its end. One that ends in a task the worker is running, or
 * in an outside event (an activity's result, a timer firing) before its task, is not: replaying would run that task
 * for real (activities a replay worker does not have) or wait for events that are not there.
 */
const commandEvents = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EventType.EVENT_TYPE_TIMER_STARTED, EventType.EVENT_TYPE_TIMER_CANCELED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED, EventType.EVENT_TYPE_MARKER_RECORDED,
  EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
  EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED, EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
]);
const closeEvents = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);
function atRest(history: History): boolean {
  const types = (history.events ?? []).map((e) => Number(e.eventType));
  if (closeEvents.has(types.at(-1)!)) return true;
  const lastCompleted = types.lastIndexOf(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  return lastCompleted >= 0 && types.slice(lastCompleted).every((t) => commandEvents.has(t));
}

/** Saves the history of one run as it is at its next moment of rest (running or closed). */
export async function recordHistory(client: Client, scenario: string, workflowId: string, runId?: string): Promise<HistoryFixture> {
  const handle = client.workflow.getHandle(workflowId, runId);
  let history = await handle.fetchHistory();
  for (const deadline = Date.now() + 20_000; !atRest(history); history = await handle.fetchHistory()) {
    if (Date.now() > deadline) throw new Error(`${workflowId} did not come to rest to be recorded`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const description = await handle.describe();
  const fixture: HistoryFixture = {
    scenario, workflowType: description.type, workflowId, recordedAt: new Date().toISOString(),
    events: (history.events ?? []).map((e) => String(EventType[e.eventType ?? 0]).replace(/^EVENT_TYPE_/, '')),
    historyProtoBase64: Buffer.from(HistoryMessage.encode(HistoryMessage.fromObject(history)).finish()).toString('base64'),
  };
  const dir = join(historiesDir, recordingSet);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${scenario}.json`), `${JSON.stringify(fixture, null, 1)}\n`);
  return fixture;
}

export interface LoadedFixture extends HistoryFixture {
  set: string;
  parsed: History;
}

export function loadHistoryFixtures(): LoadedFixture[] {
  if (!existsSync(historiesDir)) return [];
  return readdirSync(historiesDir).sort().flatMap((set) =>
    readdirSync(join(historiesDir, set)).filter((f) => f.endsWith('.json')).sort().map((file) => {
      const fixture = JSON.parse(readFileSync(join(historiesDir, set, file), 'utf8')) as HistoryFixture;
      return { ...fixture, set, parsed: HistoryMessage.decode(Buffer.from(fixture.historyProtoBase64, 'base64')) };
    }));
}
