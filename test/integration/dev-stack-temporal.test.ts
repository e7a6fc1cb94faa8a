// The Temporal of `npm run dev` (startDevStackTemporal, what scripts/dev.ts runs): a dev server on the ports
// configuration names, so a second stack runs beside the first, or the Temporal at TEMPORAL_ADDRESS when given.
// Two real dev servers, SQLite files in a temp dir.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, expect, inject, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { canConnect, ensureTemporalCli, startDevStackTemporal, type DevServerHandle } from '../../src/temporal/dev-server.js';
import { freePort, waitFor } from '../sandbox/helpers.js';

const running: DevServerHandle[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const server of running) await server.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function namespaceOf(address: string): Promise<string | undefined> {
  const connection = await Connection.connect({ address });
  try {
    const { namespaceInfo } = await new Client({ connection }).workflowService.describeNamespace({ namespace: 'default' });
    return namespaceInfo?.name ?? undefined;
  } finally {
    await connection.close();
  }
}

test('two stacks with their own ports run side by side; the Web UI defaults to the gRPC port + 1000', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'herald-dev-temporal-'));
  dirs.push(dir);
  const [firstPort, secondPort, secondUiPort] = [await freePort(), await freePort(), await freePort()];
  const first = loadConfig({ TEMPORAL_DEV_PORT: String(firstPort), TEMPORAL_DB_FILE: join(dir, 'first', 'temporal.sqlite') });
  const second = loadConfig({
    TEMPORAL_DEV_PORT: String(secondPort), TEMPORAL_UI_PORT: String(secondUiPort), TEMPORAL_DB_FILE: join(dir, 'second', 'temporal.sqlite'),
  });
  const cliPath = ensureTemporalCli();
  running.push(await startDevStackTemporal(first, { external: false, cliPath }));
  running.push(await startDevStackTemporal(second, { external: false, cliPath }));
  const [a, b] = running;

  expect(a!.address).toBe(`127.0.0.1:${firstPort}`);
  expect(a!.uiUrl).toBe(`http://127.0.0.1:${firstPort + 1000}`);
  expect(b!.address).toBe(`127.0.0.1:${secondPort}`);
  expect(b!.uiUrl).toBe(`http://127.0.0.1:${secondUiPort}`);
  // Both answer, each on its own ports, each with its own data file.
  await waitFor(() => canConnect('127.0.0.1', firstPort + 1000), 30_000, 'the first Web UI');
  await waitFor(() => canConnect('127.0.0.1', secondUiPort), 30_000, 'the second Web UI');
  expect(await namespaceOf(a!.address)).toBe('default');
  expect(await namespaceOf(b!.address)).toBe('default');
  expect((await stat(join(dir, 'first', 'temporal.sqlite'))).isFile()).toBe(true);
  expect((await stat(join(dir, 'second', 'temporal.sqlite'))).isFile()).toBe(true);
}, 120_000);

test('with TEMPORAL_ADDRESS given, that Temporal is used and no dev server is started', async () => {
  const devPort = await freePort();
  const config = loadConfig({ TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_DEV_PORT: String(devPort), TEMPORAL_UI_URL: 'http://temporal-ui.test' });
  const temporal = await startDevStackTemporal(config, { external: true, cliPath: undefined });
  expect(temporal).toMatchObject({ address: inject('temporalAddress'), uiUrl: 'http://temporal-ui.test' });
  expect(await namespaceOf(temporal.address)).toBe('default');
  expect(await canConnect('127.0.0.1', devPort)).toBe(false);
  await temporal.stop();
});
