// Runs one of Herald's entry points (API, worker) as a child process under tsx, with its output prefixed, and
// stops it (SIGTERM, then SIGKILL) when asked or when this process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface RunningChild {
  process: ChildProcess;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('..', import.meta.url));

export interface EntryPointOptions {
  /** Which lines of the child's stdout to show (all by default), e.g. to keep per-request log lines off the terminal. */
  showStdoutLine?: (line: string) => boolean;
  /** Extra flags for node (e.g. --cpu-prof, which NODE_OPTIONS refuses). */
  nodeFlags?: string[];
}

export function startEntryPoint(name: string, entry: string, env: Record<string, string>, opts: EntryPointOptions = {}): RunningChild {
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), '--import', 'tsx', entry], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (b: Buffer) => b.toString().trimEnd().split('\n').map((l) => `[${name}] ${l}`).join('\n');
  const show = opts.showStdoutLine;
  child.stdout?.on('data', (b: Buffer) => {
    if (!show) return console.log(prefix(b));
    const lines = b.toString().trimEnd().split('\n').filter(show);
    if (lines.length > 0) console.log(prefix(Buffer.from(lines.join('\n'))));
  });
  child.stderr?.on('data', (b: Buffer) => console.error(prefix(b)));
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  return {
    process: child,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}
