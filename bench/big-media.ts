// Benchmark: an Instagram reel with a big uploaded video (500 MiB by default), due at T, published through Herald's
// real API and worker (child processes, src/api/server.ts and src/worker/main.ts) to the platform sandbox (a process
// of its own): resumable container, bytes streamed to rupload, container processing, media_publish. Prints the lag
// from T to the media_publish call as the sandbox recorded it, with staging on (Herald's default
// STAGING_LEAD_SECONDS plus the video's size at STAGING_UPLOAD_BYTES_PER_SECOND) and, in the same run, with staging
// off (STAGING_LEAD_SECONDS=0, the worker restarted with it), next to the goal: committed by T + 2 s. Checks that
// each post was published exactly once (one media at the sandbox, one media_publish call, Herald's target published
// with that media id) and not before T.
//
// The video is stored the way a user stores it: streamed from disk in a multipart POST /api/social/media (the file
// is sparse, an MP4 signature then zeros, so it is created instantly and never held in memory). Each post is
// created as a draft, Herald's worker activity `stagingLeadOf` tells the lead it needs, and the post is scheduled
// for T = now + that lead (rounded up to the second): staging begins at once instead of after a longer wait.
// With staging off, T = now + 5 s.
//
//   npx tsx bench/big-media.ts [--size-mb 500] [--processing-seconds 60] [--lead-seconds <STAGING_LEAD_SECONDS>]
// --processing-seconds: how long the sandbox keeps a video container IN_PROGRESS once its bytes are in. Meta
// documents no figure; it asks to poll status once a minute for at most five minutes (IG container status, contract
// §4.5 in /work/shared/platforms/tiktok-meta.md), and TikTok documents under 30 s of processing for 512 MB (same
// file, TikTok's status fetch): 60 s is a realistic middle. --lead-seconds overrides
// Herald's default lead (300 s) for a shorter run; the figure reported in README uses the default.
// Uses embedded Postgres and a fresh Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS are set.
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { Client, Connection } from '@temporalio/client';
import { createPublishActivities } from '../src/activities/publish.activities.js';
import { stagingSettingsFromConfig } from '../src/activities/deps.js';
import { loadConfig } from '../src/config.js';
import { TokenCrypto } from '../src/crypto/envelope.js';
import { KeyRing } from '../src/crypto/key-ring.js';
import { createDatabase } from '../src/db/client.js';
import { createProviderRegistry } from '../src/platforms/registry.js';
import { META_SANDBOX_APP_ID, META_SANDBOX_APP_SECRET } from '../src/sandbox/platforms/meta/index.js';
import { LocalMediaStore } from '../src/storage/local-media-store.js';
import { publishPostWorkflowId } from '../src/workflows/messages.js';
import { startEntryPoint, type RunningChild } from './child-process.js';
import { startSandboxProcess } from './sandbox-process.js';
import { freePort, startBenchServices } from './services.js';

const MiB = 1024 * 1024;
const GOAL_MS = 2000;
const { values: args } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '500' },
    'processing-seconds': { type: 'string', default: '60' },
    'lead-seconds': { type: 'string' },
  },
});
const SIZE = Math.round(Number(args['size-mb']) * MiB);
const PROCESSING_MS = Math.round(Number(args['processing-seconds']) * 1000);

const cleanups: (() => Promise<unknown>)[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const relative = (ms: number) => `T ${ms < 0 ? '−' : '+'} ${seconds(Math.abs(ms))}`;

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** An MP4 signature (what the API's content check reads) followed by zeros: sparse, so instant and never in memory. */
async function makeVideo(path: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.write(Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom')]));
    await fh.truncate(SIZE);
  } finally {
    await fh.close();
  }
}

/**
 * The file as one multipart part `file`, streamed from disk to the socket (fetch's FormData reads a file-backed Blob
 * into memory whole: 580 MB of RSS for this file).
 */
async function uploadFile(url: string, headers: Record<string, string>, path: string): Promise<{ status: number; body: string }> {
  const boundary = `herald-bench-${randomUUID()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const req = request(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + SIZE + tail.length },
  });
  const answered = once(req, 'response') as Promise<[IncomingMessage]>;
  await pipeline(async function* () { yield head; yield* createReadStream(path); yield tail; }, req);
  const [res] = await answered;
  let body = '';
  for await (const chunk of res) body += String(chunk);
  return { status: res.statusCode ?? 0, body };
}

interface RecordedRequest { at: string; method: string; path: string; body?: Record<string, unknown>; status: number | null; durationMs: number | null }
interface TargetView { id: string; status: string; containerId: string | null; platformPostId: string | null }
interface PostView { id: string; status: string; scheduledAt: string | null; targets: TargetView[] }

interface CaseResult {
  label: string;
  leadMs: number;
  dueAt: number;
  containerAt?: number;
  upload?: { at: number; durationMs: number; bytes: number };
  statusPolls: number;
  stagedAt?: number;
  publishCalls: number;
  publishAt?: number;
  mediaAtSandbox: number;
  herald: { post: string; target: string; platformPostIdMatches: boolean };
}

async function main() {
  const { databaseUrl, temporalAddress } = await startBenchServices(cleanups);
  const sandbox = await startSandboxProcess({ meta: { videoProcessingMs: PROCESSING_MS } });
  cleanups.push(() => sandbox.stop());
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  cleanups.push(() => connection.close());

  const runTag = randomUUID().slice(0, 8);
  const mediaDir = await mkdtemp(join(tmpdir(), 'herald-bench-media-'));
  cleanups.push(() => rm(mediaDir, { recursive: true, force: true }));
  const apiPort = await freePort();
  const base = `http://127.0.0.1:${apiPort}`;
  const adminToken = randomBytes(24).toString('hex');
  const taskQueue = `bench-big-media-${runTag}`;
  const env: Record<string, string> = {
    NODE_ENV: 'production', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue, API_HOST: '127.0.0.1', API_PORT: String(apiPort), PUBLIC_BASE_URL: base,
    TOKEN_KEYS: `bench:${randomBytes(32).toString('base64')}`, ADMIN_TOKEN: adminToken, MEDIA_DIR: mediaDir,
    // The providers' hosts default to the sandbox's prefixes; the sandbox's Meta app credentials.
    SANDBOX_BASE_URL: sandbox.baseUrl, META_APP_ID: META_SANDBOX_APP_ID, META_APP_SECRET: META_SANDBOX_APP_SECRET,
    ...(args['lead-seconds'] !== undefined ? { STAGING_LEAD_SECONDS: args['lead-seconds'] } : {}),
  };

  const api = startEntryPoint('api', 'src/api/server.ts', env);
  cleanups.push(() => api.stop());
  await waitUntil('the API', async () => (await fetch(`${base}/ready`)).ok, 120_000);
  let worker: RunningChild | undefined;
  cleanups.push(() => worker?.stop() ?? Promise.resolve());
  /** A worker with these settings; answers once it polls the post task queue. */
  const startWorker = async (over: Record<string, string>) => {
    await worker?.stop();
    worker = startEntryPoint('worker', 'src/worker/main.ts', { ...env, ...over });
    const identity = `${worker.process.pid}@`;
    await waitUntil('the worker', async () => {
      const r = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 1 });
      return (r.pollers ?? []).some((p) => p.identity?.startsWith(identity));
    }, 180_000);
  };

  // What the worker computes the lead from: the same activity, on the worker's configuration.
  const leadOf = async (over: Record<string, string>, postId: string) => {
    const config = loadConfig({ ...env, ...over });
    const database = createDatabase(databaseUrl, { max: 1 });
    try {
      const activities = createPublishActivities({
        database, platforms: createProviderRegistry(config), crypto: new TokenCrypto(KeyRing.fromConfig(config)),
        mediaStore: new LocalMediaStore(resolve(config.MEDIA_DIR)), logger: pino({ level: 'silent' }), temporalClient: client,
        staging: stagingSettingsFromConfig(config),
      });
      return await activities.stagingLeadOf(postId);
    } finally {
      await database.close();
    }
  };

  // ---- a user, an Instagram account connected through the API, the video stored through the API ----
  const created = await fetch(`${base}/api/admin/users`, {
    method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${runTag}@example.test` }),
  });
  if (created.status !== 201) throw new Error(`creating the user: ${created.status} ${await created.text()}`);
  const userHeaders = { authorization: `Bearer ${(await created.json() as { apiKey: { key: string } }).apiKey.key}` };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method, headers: { ...userHeaders, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<T>;
  };

  const { authorizeUrl } = await call<{ authorizeUrl: string }>('GET', '/api/social/connect/instagram');
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location') ?? '');
  const connected = await fetch(`${base}${back.pathname}${back.search}`, { headers: { accept: 'application/json' } });
  if (connected.status !== 200) throw new Error(`connecting Instagram: ${connected.status} ${await connected.text()}`);
  const accountId = (await connected.json() as { accounts: { id: string }[] }).accounts[0]!.id;

  const videoPath = join(tmpdir(), `herald-big-media-${runTag}.mp4`);
  cleanups.push(() => rm(videoPath, { force: true }));
  await makeVideo(videoPath);
  const storeStarted = performance.now();
  const stored = await uploadFile(`${base}/api/social/media`, userHeaders, videoPath);
  const storeMs = performance.now() - storeStarted;
  if (stored.status !== 201) throw new Error(`storing the video: ${stored.status} ${stored.body}`);
  const media = JSON.parse(stored.body) as { id: string; sizeBytes: number };

  const requests = async () =>
    (await (await fetch(`${sandbox.baseUrl}/__sandbox/requests?platform=meta`)).json() as { data: RecordedRequest[] }).data;

  /** One post due at T on a worker with these settings, followed to its end. */
  const runCase = async (label: string, over: Record<string, string>): Promise<CaseResult> => {
    await startWorker(over);
    const marker = `big-media-${label.replace(/\W+/g, '-')}-${runTag}`;
    const draft = await call<PostView>('POST', '/api/social/posts', { content: `big reel ${marker}`, media: [{ mediaId: media.id }], targets: [{ accountId }] });
    const leadMs = await leadOf(over, draft.id);
    const dueAt = Math.ceil((Date.now() + Math.max(leadMs, 5000)) / 1000) * 1000;
    const scheduled = await call<PostView>('POST', `/api/social/posts/${draft.id}/schedule`, { scheduledAt: new Date(dueAt).toISOString() });
    if (Date.parse(scheduled.scheduledAt ?? '') !== dueAt) throw new Error(`scheduled for ${scheduled.scheduledAt}, not ${new Date(dueAt).toISOString()}`);
    console.log(`${label}: lead ${seconds(leadMs)}, due at T = ${new Date(dueAt).toISOString()} (waiting ${seconds(dueAt - Date.now())})`);

    // Until T: when the target first shows `staged` (read through the API, as an operator would).
    let stagedAt: number | undefined;
    while (Date.now() < dueAt - 500) {
      const post = await call<PostView>('GET', `/api/social/posts/${draft.id}`);
      if (stagedAt === undefined && post.targets[0]?.status === 'staged') stagedAt = Date.now();
      if (stagedAt !== undefined) break;
      await sleep(500);
    }
    await client.workflow.getHandle(publishPostWorkflowId(draft.id)).result();

    const post = await call<PostView>('GET', `/api/social/posts/${draft.id}`);
    const target = post.targets[0]!;
    const seen = await requests();
    const containerId = target.containerId;
    const containerCall = seen.find((r) => r.method === 'POST' && r.path.endsWith('/media') && String(r.body?.caption ?? '').includes(marker));
    const upload = seen.find((r) => r.method === 'POST' && containerId !== null && r.path.endsWith(`/rupload/ig-api-upload/v25.0/${containerId}`));
    const publishes = seen.filter((r) => r.method === 'POST' && r.path.endsWith('/media_publish') && r.body?.creation_id === containerId);
    const state = await (await fetch(`${sandbox.baseUrl}/__sandbox/state/meta`)).json() as { media: { id: string; caption: string }[] };
    const published = state.media.filter((m) => m.caption.includes(marker));
    return {
      label, leadMs, dueAt,
      ...(containerCall ? { containerAt: Date.parse(containerCall.at) } : {}),
      ...(upload ? { upload: { at: Date.parse(upload.at), durationMs: upload.durationMs ?? NaN, bytes: Number((upload.body as { bytes?: number } | undefined)?.bytes ?? NaN) } } : {}),
      statusPolls: seen.filter((r) => r.method === 'GET' && containerId !== null && r.path.endsWith(`/${containerId}`)).length,
      ...(stagedAt !== undefined ? { stagedAt } : {}),
      publishCalls: publishes.length,
      ...(publishes[0] ? { publishAt: Date.parse(publishes[0].at) } : {}),
      mediaAtSandbox: published.length,
      herald: { post: post.status, target: target.status, platformPostIdMatches: published.length === 1 && target.platformPostId === published[0]!.id },
    };
  };

  const on = await runCase('staging on', {});
  const off = await runCase('staging off', { STAGING_LEAD_SECONDS: '0' });
  const workerConfig = loadConfig(env);

  // ---- report ----
  const lagOf = (c: CaseResult) => (c.publishAt ?? NaN) - c.dueAt;
  const exactlyOnce = (c: CaseResult) => c.publishCalls === 1 && c.mediaAtSandbox === 1 && c.herald.post === 'published'
    && c.herald.target === 'published' && c.herald.platformPostIdMatches && lagOf(c) >= 0;
  const rows: [string, (c: CaseResult) => string][] = [
    ['lead (Herald)', (c) => seconds(c.leadMs)],
    ['container created', (c) => (c.containerAt ? relative(c.containerAt - c.dueAt) : 'not seen')],
    ['upload to rupload', (c) => (c.upload ? `${relative(c.upload.at - c.dueAt)}, ${seconds(c.upload.durationMs)} = ${(c.upload.bytes / MiB / (c.upload.durationMs / 1000)).toFixed(0)} MiB/s` : 'not seen')],
    ['container status reads', (c) => String(c.statusPolls)],
    ['target shown staged', (c) => (c.stagedAt ? relative(c.stagedAt - c.dueAt) : 'not before T')],
    ['media_publish at', (c) => (c.publishAt ? relative(c.publishAt - c.dueAt) : 'never')],
    ['published exactly once', (c) => `${exactlyOnce(c) ? 'yes' : 'NO'}: ${c.publishCalls} media_publish, ${c.mediaAtSandbox} media; ${c.herald.target}${c.herald.platformPostIdMatches ? ', same id' : ', id differs'}`],
    [`goal: by T + ${seconds(GOAL_MS)}`, (c) => `${lagOf(c) <= GOAL_MS ? 'PASS' : 'FAIL'} (lag ${seconds(lagOf(c))})`],
  ];
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log('');
  console.log(`machine                  ${availableParallelism()} cores`);
  console.log(`video                    ${(SIZE / MiB).toFixed(0)} MiB (${SIZE} bytes, video/mp4), stored through POST /api/social/media in ${seconds(storeMs)} (${media.sizeBytes} bytes; streamed: this process's peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`);
  console.log(`sandbox                  video container processing ${seconds(PROCESSING_MS)} after the last byte; Herald polls container status every 60 s (provider default)`);
  console.log(`staging settings         STAGING_LEAD_SECONDS ${args['lead-seconds'] ?? `${workerConfig.STAGING_LEAD_SECONDS} (default)`}, STAGING_UPLOAD_BYTES_PER_SECOND ${workerConfig.STAGING_UPLOAD_BYTES_PER_SECOND}`);
  console.log('');
  console.log(`${pad('', 25)}${pad(on.label, 52)}${off.label}`);
  for (const [name, cell] of rows) console.log(`${pad(name, 25)}${pad(cell(on), 52)}${cell(off)}`);
  console.log('');
  console.log(`lag from T to media_publish: staging on ${seconds(lagOf(on))}, staging off ${seconds(lagOf(off))}; goal committed by T + ${seconds(GOAL_MS)} (staging on): ${lagOf(on) <= GOAL_MS ? 'PASS' : 'FAIL'}; ${availableParallelism()} cores`);
  if (!exactlyOnce(on) || !exactlyOnce(off)) process.exitCode = 1;
}

try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  for (const c of cleanups.reverse()) await c().catch((e: unknown) => console.error('cleanup failed:', e));
}
