// Benchmark: one large FILE_UPLOAD to TikTok (the sandbox) through the provider's own init + upload steps, run in
// this process as the worker would run them, with the sandbox in a separate process so only the uploader's memory
// is measured. Prints the chunk size, throughput, and the uploader's peak RSS (kernel max RSS and a 20 ms sample)
// next to the goal: peak RSS ≤ one chunk + 100 MB, i.e. bytes stream from disk to socket without being buffered.
// The growth over the pre-upload baseline is printed too: flat across file and chunk sizes when nothing is buffered.
//
//   npx tsx bench/tiktok-upload.ts [--size-mb 1024] [--chunk-mb 64] [--random]
// The test file is sparse (zeros, created instantly) unless --random fills it with random bytes.
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTiktokProvider } from '../src/platforms/tiktok/index.js';
import type { PublishContext, QuotaGate, TargetSecrets } from '../src/platforms/provider.js';
import { TIKTOK_SANDBOX_CLIENT_KEY, TIKTOK_SANDBOX_CLIENT_SECRET } from '../src/sandbox/platforms/tiktok/index.js';
import { startSandboxProcess } from './sandbox-process.js';

const MiB = 1024 * 1024;
const { values: args } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '1024' },
    'chunk-mb': { type: 'string', default: '64' },
    random: { type: 'boolean', default: false },
  },
});
const size = Math.round(Number(args['size-mb']) * MiB);
const chunkPreference = Math.round(Number(args['chunk-mb']) * MiB);
const mb = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

async function makeFile(path: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    if (!args.random) {
      await fh.truncate(size); // sparse: reads back as zeros
      return;
    }
    const block = Buffer.alloc(8 * MiB);
    for (let written = 0; written < size; written += block.length) {
      randomFillSync(block);
      await fh.write(block, 0, Math.min(block.length, size - written));
    }
  } finally {
    await fh.close();
  }
}

const alwaysGrant: QuotaGate = { acquire: async () => ({ ok: true }), release: async () => undefined };
const secretValues = new Map<string, string>();
const inMemorySecrets: TargetSecrets = {
  get: async (name) => secretValues.get(name), put: async (name, value) => { secretValues.set(name, value); }, delete: async (name) => { secretValues.delete(name); },
};

const filePath = join(tmpdir(), `herald-tiktok-bench-${process.pid}.bin`);
await makeFile(filePath);
const sandbox = await startSandboxProcess({ tiktok: { processingMs: 200 } });
try {
  const minted = await fetch(`${sandbox.baseUrl}/__sandbox/tiktok/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const { access_token: accessToken } = await minted.json() as { access_token: string };
  const provider = createTiktokProvider({
    clientKey: TIKTOK_SANDBOX_CLIENT_KEY, clientSecret: TIKTOK_SANDBOX_CLIENT_SECRET,
    authBaseUrl: `${sandbox.baseUrl}/tiktok`, apiBaseUrl: `${sandbox.baseUrl}/tiktok`,
    chunkSizeBytes: chunkPreference, chunkTimeoutMs: 10 * 60_000,
  });
  let chunksSent = 0;
  const ctx: PublishContext = {
    targetId: 'bench-target', postId: 'bench-post',
    account: { id: 'bench-account', platformAccountId: 'bench', accessToken, metadata: {} },
    text: 'Herald upload benchmark', hashtags: [],
    media: [{ contentType: 'video/mp4', sizeBytes: size, open: (range) => createReadStream(filePath, range ? { start: range.start, end: range.end } : {}) }],
    options: { privacyLevel: 'SELF_ONLY' },
    state: { data: {} }, progress: undefined,
    heartbeat: () => { chunksSent += 1; },
    signal: new AbortController().signal,
    quota: alwaysGrant, secrets: inMemorySecrets,
  };

  global.gc?.();
  const baselineRss = process.memoryUsage.rss();
  let sampledPeak = baselineRss;
  const sampler = setInterval(() => { sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss()); }, 20);

  const t0 = performance.now();
  ctx.state = (await provider.publish.runStep('init', ctx)).state;
  const tInit = performance.now();
  ctx.state = (await provider.publish.runStep('upload', ctx)).state;
  const t1 = performance.now();
  clearInterval(sampler);
  sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
  const maxRss = process.resourceUsage().maxRSS * 1024;

  const status = await fetch(`${sandbox.baseUrl}/__sandbox/state/tiktok`).then((r) => r.json()) as { publishes: { publish_id: string; uploaded_bytes: number; sha256: string | null }[] };
  const remote = status.publishes.find((p) => p.publish_id === ctx.state.publishId);
  const chunkSize = Number(ctx.state.data.chunkSize);
  const seconds = (t1 - tInit) / 1000;
  const goal = chunkSize + 100 * MiB;
  const sandboxMaxRssKb = await sandbox.stop();

  console.log(`file            ${mb(size)} (${args.random ? 'random' : 'sparse zeros'})`);
  console.log(`chunk size      ${mb(chunkSize)} (${chunkSize} bytes) x ${ctx.state.data.totalChunkCount} chunks; heartbeats ${chunksSent}`);
  console.log(`uploaded        ${remote ? `${mb(remote.uploaded_bytes)}, sha256 ${remote.sha256?.slice(0, 16)}…` : 'publish not found'}`);
  console.log(`init            ${(tInit - t0).toFixed(0)} ms`);
  console.log(`upload          ${seconds.toFixed(2)} s = ${(size / MiB / seconds).toFixed(1)} MiB/s`);
  console.log(`uploader RSS    baseline ${mb(baselineRss)}, sampled peak ${mb(sampledPeak)}, kernel maxRSS ${mb(maxRss)}`);
  console.log(`growth          ${mb(Math.max(maxRss, sampledPeak) - baselineRss)} over the baseline (Node + tsx + modules, before the upload)`);
  console.log(`sandbox maxRSS  ${sandboxMaxRssKb ? mb(sandboxMaxRssKb * 1024) : 'n/a'} (separate process, not counted)`);
  console.log(`goal            peak RSS ≤ chunk + 100 MiB = ${mb(goal)}: ${Math.max(maxRss, sampledPeak) <= goal ? 'PASS' : 'FAIL'}`);
  if (!remote || remote.uploaded_bytes !== size) process.exitCode = 1;
} finally {
  await sandbox.stop().catch(() => undefined);
  await rm(filePath, { force: true });
}
