// `npm run sandbox`: the platform sandbox as a standalone process on SANDBOX_HOST:SANDBOX_PORT, building absolute
// URLs from SANDBOX_BASE_URL. Stops gracefully on SIGINT/SIGTERM (in-flight requests finish, timers stop).
import { loadConfig } from '../config.js';
import { buildSandbox } from './app.js';
import { sandboxOptionsFromConfig } from './options-from-config.js';

const config = loadConfig();
const app = await buildSandbox(sandboxOptionsFromConfig(config));
await app.listen({ host: config.SANDBOX_HOST, port: config.SANDBOX_PORT });

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'sandbox shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'sandbox shutdown failed');
        process.exit(1);
      },
    );
  });
}
