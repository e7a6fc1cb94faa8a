// Child process of bench/sandbox-process.ts: the platform sandbox alone, so neither its memory nor its CPU is counted
// in the benchmark's own process. Its options arrive as JSON in argv[2]. Prints `{"port":N}` once listening; on
// SIGTERM prints `{"maxRssKb":N}` and exits.
import type { AddressInfo } from 'node:net';
import { buildSandbox, type SandboxOptions } from '../src/sandbox/app.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
const app = await buildSandbox({ logLevel: 'warn', ...options });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as AddressInfo).port })}\n`);

process.on('SIGTERM', () => {
  void app.close().finally(() => {
    process.stdout.write(`${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`, () => process.exit(0));
  });
});
