// `npm run sandbox`: the standalone process listens on SANDBOX_HOST/SANDBOX_PORT, builds upload URLs from
// SANDBOX_BASE_URL, and exits cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { freePort, waitFor } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('standalone sandbox serves, then stops on SIGTERM with exit code 0', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/main.ts'], {
    cwd: root,
    env: { ...process.env, SANDBOX_HOST: '127.0.0.1', SANDBOX_PORT: String(port), SANDBOX_BASE_URL: `http://sandbox.test:${port}`, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const up = await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/testbed/v1/uploads`, {
        method: 'POST', headers: { authorization: 'Bearer testbed-x', 'content-type': 'application/json' }, body: JSON.stringify({ size: 1, content_type: 'image/png' }),
      }).catch(() => undefined);
      return res?.ok ? (await res.json()) as { upload_url: string } : undefined;
    }, 30_000, `sandbox to listen (output: ${output})`);
    expect(up.upload_url.startsWith(`http://sandbox.test:${port}/testbed/upload/`)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
