// `npm run dev` builds the dashboard (web/) with Vite's watch mode: the first build finishes before the API prints
// its URL, and every later edit rebuilds in place (reload the page to see it). No second command, no dev server
// on another port: the API serves web/dist as in production.
import { build, type Rollup } from 'vite';

export interface DashboardWatcher {
  close(): Promise<void>;
}

export async function watchDashboard(log: { info(msg: string): void; error(msg: string): void }): Promise<DashboardWatcher> {
  const watcher = await build({ configFile: 'web/vite.config.ts', build: { watch: {} }, logLevel: 'warn' }) as Rollup.RollupWatcher;
  await new Promise<void>((resolveFirst, rejectFirst) => {
    let first = true;
    watcher.on('event', (event) => {
      if (event.code === 'END') {
        if (first) { first = false; resolveFirst(); } else log.info('dashboard rebuilt');
      } else if (event.code === 'ERROR') {
        const message = `dashboard build failed: ${event.error.message}`;
        if (first) { first = false; rejectFirst(new Error(message)); } else log.error(message);
      }
      if ('result' in event && event.result) void event.result.close();
    });
  });
  return { close: () => watcher.close() };
}
