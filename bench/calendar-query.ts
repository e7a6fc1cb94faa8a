// Benchmark: the calendar query, `GET /api/social/posts?from&to&limit=100` (a week page of 100 posts), over a user
// with 100,000 posts (two targets each) spread over months. Starts Postgres (embedded, migrated) and a Temporal dev
// server (the API connects to one at start; no worker runs), seeds the posts in a few set-based statements, starts
// Herald's real API (src/api/server.ts) as a child process and, from this process, asks for random week windows at a
// fixed open-loop rate (each request leaves at its scheduled time whether or not earlier ones were answered; latency
// is measured from that time). Prints next to each other:
//   - the load: requests/s answered, latency p50/p99/max, non-200 answers, posts per answer, and the CPU per request
//     of the API, of Postgres and of the load generator, with what the rest of the machine used meanwhile;
//   - the SQL alone: EXPLAIN ANALYZE execution time of the page's statements, and the index the page query uses;
//   - the ceilings of the same API in the same run, closed loop: this route, and GET /api/me (authentication and the
//     framework around an answer of a few fields), with the machine's core count.
//
//   npm run bench:calendar -- [--posts 100000] [--months 24] [--rate 200] [--seconds 20] [--log-level info]
//                             [--cpu-prof DIR]   (writes the API process's V8 CPU profile there when it stops)
//                             [--skip-ceilings]  (e.g. so that a profile holds the load alone)
// Uses embedded Postgres and a fresh in-memory Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS are set.
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { listPosts } from '../src/api/routes/social/posts/post-repository.js';
import * as schema from '../src/db/schema.js';
import { BenchCalendar, seedCalendar } from './calendar-seed.js';
import { startEntryPoint } from './child-process.js';
import { percentile } from './stats.js';
import { freePort, startBenchServices } from './services.js';

const { values: args } = parseArgs({
  options: {
    posts: { type: 'string', default: '100000' },
    months: { type: 'string', default: '24' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '64' },
    'log-level': { type: 'string', default: 'info' },
    'cpu-prof': { type: 'string' },
    'skip-ceilings': { type: 'boolean', default: false },
  },
});
const POSTS = Number(args.posts);
const MONTHS = Number(args.months);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const PAGE = 100;
const calendar = new BenchCalendar(MONTHS);

const cleanups: (() => Promise<unknown>)[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

interface ProcessCpu { comm: string; ppid: number; ms: number }

/** CPU time (user + system, ms) used so far by each process (Linux /proc), with its name and parent; empty elsewhere. */
async function cpuByProcess(): Promise<Map<number, ProcessCpu>> {
  const out = new Map<number, ProcessCpu>();
  const pids = await readdir('/proc').then((d) => d.filter((x) => /^\d+$/.test(x)), () => []);
  await Promise.all(pids.map(async (pid) => {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(pid), {
        comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        ppid: Number(fields[1]),
        ms: (Number(fields[11]) + Number(fields[12])) * 10, // clock ticks of 10 ms
      });
    } catch {
      // Gone meanwhile.
    }
  }));
  return out;
}

/** The pid of the Postgres server listening on `port` (its postmaster, started with `-p port`), if it runs here. */
async function postmasterPid(port: string): Promise<number | undefined> {
  for (const [pid, p] of await cpuByProcess()) {
    if (!p.comm.startsWith('postgres')) continue;
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const at = args.indexOf('-p');
    if (at >= 0 && args[at + 1] === port) return pid;
  }
  return undefined;
}

/**
 * CPU ms used between two snapshots by the API, by this benchmark's Postgres (its postmaster and the backends it
 * forked), by this load generator, and by everything else on the machine (other work shares these cores).
 */
function cpuUsed(before: Map<number, ProcessCpu>, after: Map<number, ProcessCpu>, pids: { api?: number; postmaster?: number }) {
  const used = { api: 0, postgres: 0, generator: 0, other: 0 };
  for (const [pid, a] of after) {
    const ms = a.ms - (before.get(pid)?.ms ?? 0);
    if (pid === pids.api) used.api += ms;
    else if (pid === process.pid) used.generator += ms;
    else if (pids.postmaster !== undefined && (pid === pids.postmaster || a.ppid === pids.postmaster)) used.postgres += ms;
    else used.other += ms;
  }
  return used;
}

interface SqlFigures { executionMs: number[]; planningMs: number[]; indexes: Set<string> }

/**
 * The SQL alone: runs the repository's listing for random weeks with a Drizzle logger that keeps each statement, then
 * EXPLAIN ANALYZEs those statements. Execution time is the server's; planning time is printed apart.
 */
async function measureSql(sql: postgres.Sql, userId: string, windows: number): Promise<SqlFigures> {
  const statements: { query: string; params: unknown[] }[] = [];
  const capturing = drizzle(sql, { schema, logger: { logQuery: (query, params) => statements.push({ query, params }) } });
  const figures: SqlFigures = { executionMs: [], planningMs: [], indexes: new Set() };
  for (let i = 0; i < windows; i++) {
    const { from, to } = calendar.randomWeek(PAGE);
    statements.length = 0;
    await listPosts(capturing, userId, { from, to }, undefined, PAGE);
    let execution = 0;
    let planning = 0;
    for (const s of statements) {
      const [row] = await sql.unsafe(`explain (analyze, format json) ${s.query}`, s.params as never[]);
      const plan = (row as unknown as { 'QUERY PLAN': { 'Execution Time': number; 'Planning Time': number; Plan: unknown }[] })['QUERY PLAN'][0]!;
      execution += plan['Execution Time'];
      planning += plan['Planning Time'];
      const walk = (node: { 'Index Name'?: string; Plans?: unknown[] }) => {
        if (node['Index Name']) figures.indexes.add(node['Index Name']);
        for (const child of node.Plans ?? []) walk(child as never);
      };
      walk(plan.Plan as never);
    }
    figures.executionMs.push(execution);
    figures.planningMs.push(planning);
  }
  figures.executionMs.sort((a, b) => a - b);
  figures.planningMs.sort((a, b) => a - b);
  return figures;
}

interface Answer { status: number; body?: string }

function get(url: URL, agent: Agent, headers: Record<string, string>, keepBody: boolean): Promise<Answer> {
  return new Promise((done) => {
    const req = request(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => { if (keepBody) chunks.push(c); });
      res.on('end', () => done({ status: res.statusCode ?? 0, ...(keepBody ? { body: Buffer.concat(chunks).toString('utf8') } : {}) }));
    });
    req.on('error', () => done({ status: 0 }));
    req.end();
  });
}

/** Closed loop: `concurrency` callers ask back to back for `seconds`; the most the API answers. */
async function closedLoop(make: () => URL, agent: Agent, headers: Record<string, string>, concurrency: number, seconds: number) {
  const until = performance.now() + seconds * 1000;
  let answered = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      const { status } = await get(make(), agent, headers, false);
      if (status === 200) answered++; else failed++;
    }
  }));
  return { perSecond: answered / ((performance.now() - started) / 1000), failed };
}

async function main() {
  const { databaseUrl, temporalAddress } = await startBenchServices(cleanups);
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {}, connection: { TimeZone: 'UTC' } });
  cleanups.push(() => sql.end({ timeout: 5 }));
  const db = drizzle(sql, { schema });

  console.log(`seeding ${POSTS} posts (two targets each) over ${MONTHS} months…`);
  const { userId, apiKey, seconds: seedSeconds } = await seedCalendar(sql, db, calendar, POSTS);

  const apiPort = await freePort();
  const runTag = randomUUID().slice(0, 8);
  const env: Record<string, string> = {
    NODE_ENV: 'production', LOG_LEVEL: args['log-level']!, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: `bench-calendar-${runTag}`, API_HOST: '127.0.0.1', API_PORT: String(apiPort),
    // The bench is one caller at 200/s: the per-key limit (a production default of 600 a minute) is not what it measures.
    API_RATE_LIMIT_PER_MINUTE: '100000000',
    TOKEN_KEYS: `bench:${randomBytes(32).toString('base64')}`, MEDIA_DIR: join(tmpdir(), `herald-bench-media-${runTag}`),
  };
  // The API logs each request at info: keep those lines off this terminal (pino levels 40 and up still show).
  const api = startEntryPoint('api', 'src/api/server.ts', env, {
    showStdoutLine: (line) => !/"level":(10|20|30),/.test(line),
    nodeFlags: args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args['cpu-prof'])}`] : [],
  });
  cleanups.push(() => api.stop());
  const base = `http://127.0.0.1:${apiPort}`;
  await waitUntil('the API', async () => (await fetch(`${base}/ready`)).ok, 60_000);

  const headers = { authorization: `Bearer ${apiKey}` };
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const weekUrl = () => new URL(`${base}/api/social/posts?${calendar.randomWeek(PAGE).query}`);

  // ---- warm-up: JIT, pools, caches (not counted) ----
  await closedLoop(weekUrl, agent, headers, 8, 3);

  // ---- the SQL alone ----
  const sqlFigures = await measureSql(sql, userId, 100);

  // ---- steady open-loop load ----
  const total = Math.round(RATE * SECONDS);
  const latencies: number[] = [];
  /** Latencies by second of the schedule, to tell a steady tail from one bad moment. */
  const windows: number[][] = [];
  const statuses = new Map<number, number>();
  const postsPerAnswer: number[] = [];
  let maxLagMs = 0;
  const inFlight: Promise<void>[] = [];
  const cpuBefore = await cpuByProcess();
  const t0 = performance.now() + 50;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    let now = performance.now();
    if (due > now + 1) {
      await sleep(due - now - 0.5);
      now = performance.now();
    }
    maxLagMs = Math.max(maxLagMs, now - due);
    // One answer in 20 is parsed, to check it is a full page (parsing them all would load this process).
    const keepBody = i % 20 === 0;
    inFlight.push(get(weekUrl(), agent, headers, keepBody).then(({ status, body }) => {
      const latency = performance.now() - due;
      latencies.push(latency);
      (windows[Math.floor((due - t0) / 1000)] ??= []).push(latency);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (body && status === 200) postsPerAnswer.push((JSON.parse(body) as { data: unknown[] }).data.length);
    }));
  }
  await Promise.all(inFlight);
  const loadSeconds = (performance.now() - t0) / 1000;
  const postmaster = await postmasterPid(new URL(databaseUrl).port);
  const cpu = cpuUsed(cpuBefore, await cpuByProcess(), { api: api.process.pid, postmaster });

  // ---- ceilings of the same API, closed loop ----
  const skip = { perSecond: NaN, failed: 0 };
  const routeCeiling = args['skip-ceilings'] ? skip : await closedLoop(weekUrl, agent, headers, 16, 5);
  const meCeiling = args['skip-ceilings'] ? skip : await closedLoop(() => new URL(`${base}/api/me`), agent, headers, 16, 5);
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const windowP99s = windows.map((w) => percentile(w.sort((a, b) => a - b), 99));
  const worstSecond = windowP99s.indexOf(Math.max(...windowP99s));
  const secondsOver = windowP99s.filter((p) => p > 20).length;
  const non200 = [...statuses].filter(([s]) => s !== 200).reduce((n, [, c]) => n + c, 0);
  const meanPosts = postsPerAnswer.reduce((a, b) => a + b, 0) / Math.max(1, postsPerAnswer.length);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`
calendar query: GET /api/social/posts?from&to&limit=${PAGE} over ${POSTS} posts (two targets each, ${MONTHS} months; seeded in ${seedSeconds.toFixed(1)} s)
machine: ${cpus().length} cores (available parallelism ${availableParallelism()}), API log level ${args['log-level']}
  load                   ${total} requests at ${RATE}/s for ${SECONDS} s (open loop, ${CONNECTIONS} keep-alive connections)
  answered               ${(total / loadSeconds).toFixed(1)} requests/s   (generator fell behind schedule by at most ${fmt(maxLagMs)})
  latency                p50 ${fmt(percentile(latencies, 50))}   p99 ${fmt(percentile(latencies, 99))}   max ${fmt(latencies.at(-1) ?? NaN)}
  by second              worst p99 ${fmt(windowP99s[worstSecond] ?? NaN)} (second ${worstSecond + 1}); ${secondsOver} of ${windowP99s.length} seconds with p99 above 20 ms
  errors                 ${non200} non-200${non200 > 0 ? `  ${JSON.stringify(Object.fromEntries(statuses))}` : ''}
  posts per answer       ${meanPosts.toFixed(1)} (of ${postsPerAnswer.length} answers parsed)
  CPU per request        API ${(cpu.api / total).toFixed(2)} ms, Postgres ${postmaster === undefined ? 'n/a' : `${(cpu.postgres / total).toFixed(2)} ms`}, load generator ${(cpu.generator / total).toFixed(2)} ms; everything else on the machine ${(cpu.other / loadSeconds / 10).toFixed(0)} % of a core meanwhile
  SQL alone              p50 ${fmt(percentile(sqlFigures.executionMs, 50))}   p99 ${fmt(percentile(sqlFigures.executionMs, 99))}   execution of the page's statements (planning p50 ${fmt(percentile(sqlFigures.planningMs, 50))}); indexes: ${[...sqlFigures.indexes].join(', ') || 'none (sequential scan)'}
ceilings (same API, same run, closed loop, 16 callers)
  this route             ${routeCeiling.perSecond.toFixed(1)} requests/s${routeCeiling.failed ? ` (${routeCeiling.failed} non-200)` : ''}
  GET /api/me            ${meCeiling.perSecond.toFixed(1)} requests/s (authentication and the framework, a few fields)
goal: p99 <= 20 ms at ${RATE} requests/s, no errors (${cpus().length} cores)
`);
}

try {
  await main();
} finally {
  for (const c of cleanups.reverse()) await c().catch((e) => console.error('cleanup:', e));
}
