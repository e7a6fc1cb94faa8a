// Benchmark: webhook acknowledgement latency and ingestion, end to end. Starts Postgres (embedded) and a Temporal dev
// server, then Herald's real API (src/api/server.ts) and worker (src/worker/main.ts) as child processes, and from
// this process sends signed testbed deliveries to the API over loopback with keep-alive at a steady open-loop rate
// (each request leaves at its scheduled time whether or not earlier ones were answered; latency is measured from
// that time), about 5 % of them exact redeliveries of an earlier event. Prints acknowledgement latency
// (p50/p99/max), throughput, non-200 answers, rows stored vs unique events sent, events applied (and applied more
// than once), nudges the ingestion workflow received, how long ingestion took to drain, and the CPU each component
// used during the load (Linux /proc).
//
//   npx tsx bench/webhook-ack.ts [--rate 500] [--seconds 20] [--duplicates 0.05] [--connections 64]
// Uses embedded Postgres and a fresh in-memory Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS are set
// (then run it against servers of its own: it uses the `testbed` platform's ingestion workflow).
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { Client, Connection } from '@temporalio/client';
import { TESTBED_DEFAULT_WEBHOOK_SECRET } from '../src/platforms/testbed/index.js';
import { signTestbedWebhook } from '../src/sandbox/platforms/testbed/signature.js';
import { webhookIngestWorkflowId } from '../src/workflows/webhook-messages.js';
import { startEntryPoint } from './child-process.js';
import { percentile } from './stats.js';
import { freePort, startBenchServices } from './services.js';
import { parseTemporalServerKind, temporalServerArg } from '../src/temporal/server-kind.js';

const { values: args } = parseArgs({
  options: {
    ...temporalServerArg,
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    duplicates: { type: 'string', default: '0.05' },
    connections: { type: 'string', default: '64' },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const DUPLICATE_SHARE = Number(args.duplicates);
const CONNECTIONS = Number(args.connections);
const PLATFORM = 'testbed';
const WARMUP = 300;

const cleanups: (() => Promise<unknown>)[] = [];


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU time (user + system, ms) used so far by every process, by pid, with its command name; empty without /proc. */
async function cpuSnapshot(): Promise<Map<number, { comm: string; ms: number }>> {
  const out = new Map<number, { comm: string; ms: number }>();
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  await Promise.all(pids.map(async (pid) => {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(pid), { comm, ms: (Number(fields[11]) + Number(fields[12])) * 10 }); // clock ticks of 10 ms
    } catch {
      // Gone meanwhile.
    }
  }));
  return out;
}

/** Share of one core each component used between two snapshots. */
function cpuShares(before: Map<number, { comm: string; ms: number }>, after: Map<number, { comm: string; ms: number }>, seconds: number, names: Map<number, string>) {
  const shares = new Map<string, number>();
  for (const [pid, a] of after) {
    const b = before.get(pid);
    if (!b) continue;
    const name = names.get(pid) ?? (a.comm.startsWith('postgres') ? 'postgres' : a.comm.startsWith('temporal') ? 'temporal' : 'other');
    shares.set(name, (shares.get(name) ?? 0) + (a.ms - b.ms) / (seconds * 10));
  }
  return shares;
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

interface Delivery { eventId: string; body: string; headers: Record<string, string> }

const runTag = randomUUID().slice(0, 8);
let seq = 0;
function newDelivery(): Delivery {
  const eventId = `bench-${runTag}-${++seq}`;
  // A publish Herald does not know (processed with a note), now and then an event type with nothing to do.
  const type = seq % 10 === 0 ? 'post.processing' : 'post.published';
  const postId = `7${randomBytes(8).readBigUInt64BE().toString().padStart(18, '0').slice(0, 18)}`;
  const body = JSON.stringify({ event_id: eventId, type, post_id: postId, client_ref: randomUUID(), occurred_at: new Date().toISOString() });
  return { eventId, body, headers: { 'content-type': 'application/json', ...signTestbedWebhook(body, TESTBED_DEFAULT_WEBHOOK_SECRET, new Date()) } };
}

function send(url: URL, agent: Agent, d: Delivery): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers: { ...d.headers, 'content-length': Buffer.byteLength(d.body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(d.body);
  });
}

async function main() {
  // ---- services ----
  const { databaseUrl, temporalAddress: address } = await startBenchServices(cleanups, { temporal: parseTemporalServerKind(args.temporal) });
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  cleanups.push(() => sql.end({ timeout: 5 }));
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  cleanups.push(() => connection.close());

  const apiPort = await freePort();
  const taskQueue = `bench-webhooks-${runTag}`;
  const env = {
    NODE_ENV: 'production', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue, TESTBED_PROVIDER_ENABLED: 'true', API_HOST: '127.0.0.1', API_PORT: String(apiPort),
    TOKEN_KEYS: `bench:${randomBytes(32).toString('base64')}`, MEDIA_DIR: join(tmpdir(), `herald-bench-media-${runTag}`),
  };
  const worker = startEntryPoint('worker', 'src/worker/main.ts', env);
  cleanups.push(() => worker.stop());
  const api = startEntryPoint('api', 'src/api/server.ts', env);
  cleanups.push(() => api.stop());
  const base = `http://127.0.0.1:${apiPort}`;
  await waitUntil('the API', async () => (await fetch(`${base}/ready`)).ok, 60_000);
  await waitUntil('the worker', async () => {
    const r = await client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 1 });
    return (r.pollers?.length ?? 0) > 0;
  }, 120_000);

  const url = new URL(`${base}/api/webhooks/${PLATFORM}`);
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const sent: Delivery[] = [];
  const unique = new Set<string>();

  // ---- warm-up (counted in the totals, not in the latency figures) ----
  for (let i = 0; i < WARMUP; i += 20) {
    await Promise.all(Array.from({ length: 20 }, () => {
      const d = newDelivery();
      sent.push(d);
      unique.add(d.eventId);
      return send(url, agent, d);
    }));
  }

  // ---- steady open-loop load ----
  const total = Math.round(RATE * SECONDS);
  const latencies: number[] = [];
  /** Latencies by half-second of the schedule, to tell a steady tail from one bad moment. */
  const windows: number[][] = [];
  const statuses = new Map<number, number>();
  let duplicatesSent = 0;
  let maxLagMs = 0;
  const inFlight: Promise<void>[] = [];
  const cpuBefore = await cpuSnapshot();
  const t0 = performance.now() + 50;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    let now = performance.now();
    if (due > now + 1) {
      await sleep(due - now - 0.5);
      now = performance.now();
    }
    maxLagMs = Math.max(maxLagMs, now - due);
    let d: Delivery;
    if (Math.random() < DUPLICATE_SHARE && sent.length > 0) {
      // An exact redelivery (same bytes, same signature) of a recent event.
      d = sent[Math.max(0, sent.length - 1 - Math.floor(Math.random() * 200))]!;
      duplicatesSent++;
    } else {
      d = newDelivery();
      unique.add(d.eventId);
    }
    sent.push(d);
    inFlight.push(send(url, agent, d).then((status) => {
      const latency = performance.now() - due;
      latencies.push(latency);
      const w = Math.floor((due - t0) / 500);
      (windows[w] ??= []).push(latency);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }));
  }
  await Promise.all(inFlight);
  const sendSeconds = (performance.now() - t0) / 1000;
  const cpu = cpuShares(cpuBefore, await cpuSnapshot(), sendSeconds, new Map([
    [process.pid, 'load generator'], [api.process.pid ?? -1, 'API'], [worker.process.pid ?? -1, 'worker'],
  ]));
  const apiCpuMs = cpu.has('API') ? (cpu.get('API')! * 10 * sendSeconds) / total : undefined;
  const lastAckAt = Date.now();
  agent.destroy();

  // ---- drain ----
  const ids = [...unique];
  const count = async (where: string) =>
    (await sql.unsafe(`select count(*)::int as n from webhook_events where provider = $1 and external_id like $2 and ${where}`, [PLATFORM, `bench-${runTag}-%`]))[0]!.n as number;
  await waitUntil('ingestion to drain', async () => (await count('processed_at is null')) === 0 && (await count('true')) > 0, 600_000);
  const drainMs = Date.now() - lastAckAt;
  const stored = await count('true');
  const applied = await count('processed_at is not null and error is null');
  const appliedMoreThanOnce = await count('attempts > 1');
  const failed = await count('error is not null');

  // Nudges the ingestion workflow received, over all its runs.
  let nudges = 0;
  let runs = 0;
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${webhookIngestWorkflowId(PLATFORM)}'` })) {
    runs++;
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    nudges += (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
  }

  latencies.sort((a, b) => a - b);
  const windowP99s = windows.map((w, i) => ({ at: i / 2, p99: percentile(w.sort((a, b) => a - b), 99) }));
  const worst = windowP99s.reduce((a, b) => (b.p99 > a.p99 ? b : a), { at: 0, p99: 0 });
  const windowsOver = windowP99s.filter((w) => w.p99 > 50).length;
  const non200 = [...statuses].filter(([s]) => s !== 200).reduce((n, [, c]) => n + c, 0);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`
webhook acknowledgement: ${total} deliveries at ${RATE}/s for ${SECONDS} s (open loop, ${CONNECTIONS} keep-alive connections), ${duplicatesSent} exact redeliveries
  ack latency            p50 ${fmt(percentile(latencies, 50))}   p99 ${fmt(percentile(latencies, 99))}   max ${fmt(latencies[latencies.length - 1] ?? NaN)}
  by half-second         worst p99 ${fmt(worst.p99)} (at ${worst.at.toFixed(1)} s); ${windowsOver} of ${windowP99s.length} windows above 50 ms
  throughput             ${(total / sendSeconds).toFixed(1)} deliveries/s answered   (generator fell behind schedule by at most ${fmt(maxLagMs)})
  API CPU                ${apiCpuMs !== undefined ? `${apiCpuMs.toFixed(2)} ms per delivery` : 'n/a'}
  CPU during the load    ${[...cpu].filter(([, v]) => v >= 0.5).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)} %`).join(', ') || 'n/a'}  (${availableParallelism()} cores)
  non-200 answers        ${non200}${non200 > 0 ? `  ${JSON.stringify(Object.fromEntries(statuses))}` : ''}
ingestion (warm-up of ${WARMUP} included)
  rows stored            ${stored} / ${ids.length} unique events sent   (lost: ${ids.length - stored})
  applied                ${applied} / ${ids.length}   (applied more than once: ${appliedMoreThanOnce}, failed: ${failed})
  drained                ${(drainMs / 1000).toFixed(2)} s after the last acknowledgement
  nudges received        ${nudges} signals over ${runs} workflow run(s) for ${sent.length} deliveries
goal: p99 <= 50 ms at 500 deliveries/s, nothing lost, nothing applied twice
`);
}

try {
  await main();
} finally {
  for (const c of cleanups.reverse()) await c().catch((e) => console.error('cleanup:', e));
}
