// The platform sandbox in a process of its own (bench/sandbox-main.ts), as a remote platform would be: what it spends
// receiving an upload is not counted in the benchmark's process. `stop()` answers the sandbox's peak RSS (KiB).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SandboxOptions } from '../src/sandbox/app.js';

export interface SandboxProcess {
  baseUrl: string;
  stop(): Promise<number | undefined>;
}

export async function startSandboxProcess(options: SandboxOptions = {}): Promise<SandboxProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'sandbox-main.ts'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const killOnExit = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  const lines = createInterface({ input: child.stdout! });
  const messages: Record<string, number>[] = [];
  let notify: (() => void) | undefined;
  lines.on('line', (line) => {
    try {
      messages.push(JSON.parse(line) as Record<string, number>);
      notify?.();
    } catch {
      process.stdout.write(`[sandbox] ${line}\n`);
    }
  });
  const next = (key: string) => new Promise<number | undefined>((resolve) => {
    const check = () => {
      const m = messages.find((x) => key in x);
      if (m) resolve(m[key]);
    };
    notify = check;
    check();
    child.once('exit', () => resolve(messages.find((x) => key in x)?.[key]));
  });
  const port = await next('port');
  if (!port) throw new Error('sandbox process did not start');
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return messages.find((x) => 'maxRssKb' in x)?.maxRssKb;
      const rss = next('maxRssKb');
      child.kill('SIGTERM');
      return rss;
    },
  };
}
