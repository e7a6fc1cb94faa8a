// A workflow's whole history as searchable text with every payload decoded. fetchHistory() answers payload bytes as
// base64 strings (`data` of each payload; Uint8Arrays where a client keeps them raw), so a plain stringify could never
// find a leaked value inside one.
import type { Client } from '@temporalio/client';

/** The history of the run `handle` points at, payloads decoded. */
export async function historyTextOf(handle: { fetchHistory(): Promise<unknown> }): Promise<string> {
  const history = await handle.fetchHistory();
  return JSON.stringify(history, function (key, value) {
    const raw = (this as Record<string, unknown>)[key];
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
    if (key === 'data' && typeof value === 'string') return Buffer.from(value, 'base64').toString('utf8');
    return value;
  });
}

export const historyText = (client: Client, workflowId: string): Promise<string> =>
  historyTextOf(client.workflow.getHandle(workflowId));
