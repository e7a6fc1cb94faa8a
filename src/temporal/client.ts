// Temporal client for the API and scripts. The worker has its own NativeConnection (src/worker).
import { Client, Connection } from '@temporalio/client';

export interface TemporalClientHandle {
  client: Client;
  close(): Promise<void>;
}

export async function connectTemporalClient(opts: { address: string; namespace: string }): Promise<TemporalClientHandle> {
  const connection = await Connection.connect({ address: opts.address });
  const client = new Client({ connection, namespace: opts.namespace });
  return { client, close: () => connection.close() };
}
