// Child process of bench/tiktok-upload.ts: the platform sandbox alone, so its memory is not counted in the
// uploading process. Prints `{"port":N}` once listening; on SIGTERM prints `{"maxRssKb":N}` and exits.
import type { AddressInfo } from 'node:net';
import { buildSandbox } from '../src/sandbox/app.js';

const app = await buildSandbox({ logLevel: 'warn', tiktok: { processingMs: 200 } });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as AddressInfo).port })}\n`);

process.on('SIGTERM', () => {
  void app.close().finally(() => {
    process.stdout.write(`${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`, () => process.exit(0));
  });
});
