// The one place that reads the environment. Every setting is validated here, once, with zod; the rest of the code
// receives a typed `Config`. README's configuration table mirrors `configSchema` (test/unit/config.test.ts checks it).
import { z } from 'zod';
import { platformSettingsShape } from './platforms/modules.js';
import { bool, csv, port, positiveInt } from './setting-types.js';

/** Key ring for token envelope encryption: `id:base64key[,id:base64key...]`, each key 32 bytes. */
const keyRing = z
  .string()
  .min(1)
  .transform((s, ctx) => {
    const keys = new Map<string, Buffer>();
    for (const entry of s.split(',').map((x) => x.trim()).filter(Boolean)) {
      const sep = entry.indexOf(':');
      const id = entry.slice(0, sep);
      const key = Buffer.from(entry.slice(sep + 1), 'base64');
      if (sep <= 0 || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
        ctx.addIssue({ code: 'custom', message: 'each entry must be id:base64 of exactly 32 bytes' });
        return z.NEVER;
      }
      keys.set(id, key);
    }
    return keys;
  });

const coreSettingsShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: z.string().url().optional(),
  EMBEDDED_PG_DIR: z.string().default('.data/postgres'),
  EMBEDDED_PG_PORT: port.default(54329),
  DATABASE_POOL_MAX: positiveInt.default(10),

  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('herald'),
  /** How long the API waits for a post's workflow to take a schedule, edit or cancel before answering 503. */
  POST_WORKFLOW_ANSWER_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
  /**
   * A post due within this many minutes when scheduled runs at the highest task priority, a later one at the lowest
   * (so far-future backlogs never delay due work; README "Due work first").
   */
  DUE_SOON_HORIZON_MINUTES: positiveInt.default(60),
  /** gRPC port of the Temporal dev server `npm run dev` starts (when TEMPORAL_ADDRESS is unset). */
  TEMPORAL_DEV_PORT: port.default(7233),
  /** Its Web UI port; unset = TEMPORAL_DEV_PORT + 1000, so a second stack moves both by setting one. */
  TEMPORAL_UI_PORT: port.optional(),
  TEMPORAL_DB_FILE: z.string().default('.data/temporal.sqlite'),
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_UI_URL: z.string().url().optional(),

  WORKFLOW_BUNDLE_PATH: z.string().optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(100),
  /**
   * Workflow tasks one worker process runs at once. A due post's workflow task holds its slot while its commit and
   * status reads run as local activities, so fewer slots cap a burst (on 2 cores, 1,000 posts due at once: 10 slots
   * 64 % of the server's ceiling, 40 slots 116 %); more slots than the cores can run queue inside the worker, where
   * task priorities no longer reach them (a publish-now behind 10,000 far-future first tasks: 0.7-1.0 s with 10,
   * 1.5-6.3 s with 40). README "Due work first" and "Benchmarks".
   */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt.default(40),
  /**
   * Workflows kept in the worker's sticky cache (least recently used evicted first). A cached workflow costs about
   * 0.2-0.3 MB; a waiting post evicted from it costs nothing until its timer fires, then replays its short history.
   * The SDK's own default grows with the heap limit (about 2,300 on a 4 GB heap), far past a 500 MB worker.
   */
  WORKER_MAX_CACHED_WORKFLOWS: positiveInt.default(250),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(3000),
  PUBLIC_BASE_URL: z.string().url().default('http://127.0.0.1:3000'),
  /** Where OAuth callbacks send the browser back to; unset: the dashboard's Accounts screen at PUBLIC_BASE_URL. */
  DASHBOARD_URL: z.string().url().optional(),
  /** The built dashboard (`npm run build:web`), served at / by the API. */
  WEB_DIST_DIR: z.string().default('web/dist'),
  ADMIN_TOKEN: z.string().min(24).optional(),
  API_RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
  /** How long the API remembers who an API key belongs to; a key revoked meanwhile works until then. 0: ask every time. */
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  /** How long a browser session (an API key exchanged for a cookie at POST /api/session) lasts. */
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24 * 7),
  CORS_ORIGINS: csv.default([]),
  /** How long an Idempotency-Key is remembered: a retry within this time gets the first answer. */
  IDEMPOTENCY_KEY_TTL_HOURS: positiveInt.default(24),

  TOKEN_KEYS: keyRing.optional(),
  TOKEN_KEY_CURRENT: z.string().optional(),

  MEDIA_DIR: z.string().default('.data/media'),
  MEDIA_MAX_BYTES: positiveInt.default(4 * 1024 * 1024 * 1024),
  MEDIA_ALLOWED_TYPES: csv.default(['video/mp4', 'video/quicktime', 'video/webm', 'image/jpeg', 'image/png', 'image/webp']),
  /**
   * Signs public, expiring URLs of uploaded media (`<PUBLIC_BASE_URL>/media/...`) for platforms that only fetch files
   * by URL (Instagram images). Unset: uploaded files are never served publicly, and such targets are refused.
   */
  MEDIA_URL_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  /** How long a signed media URL works (Instagram containers live 24 h). */
  MEDIA_URL_TTL_SECONDS: positiveInt.default(86_400),
  /** MCP tool upload_media_from_url: the one place Herald fetches a user-given URL (SSRF-guarded), so off unless enabled. */
  MCP_URL_UPLOADS_ENABLED: bool.default(false),

  SANDBOX_HOST: z.string().default('127.0.0.1'),
  SANDBOX_PORT: port.default(4010),
  SANDBOX_BASE_URL: z.string().url().default('http://127.0.0.1:4010'),
  /** The sandbox's authorize endpoints: `auto` approve at once, `page` show a consent page with Allow / Deny. */
  SANDBOX_CONSENT: z.enum(['auto', 'page']).default('auto'),

  /** Refresh an access token this long before it expires (capped at half its lifetime for short-lived tokens). */
  TOKEN_REFRESH_MARGIN_SECONDS: positiveInt.default(3600),
  /**
   * Accounts whose token cannot be renewed (Meta user tokens once an exchange no longer extends them) turn
   * reauth_required this many days before the token expires, so the user reconnects before publishing stops.
   */
  REAUTH_NOTICE_DAYS: positiveInt.default(7),
  /**
   * After a publish call whose answer was lost, a "not found" counts as proof only once this long has passed: the
   * platform may still apply the first request. For platforms whose docs state no server-side deadline (testbed,
   * Instagram's media_publish); must exceed how long the platform can take to apply a request.
   */
  COMMIT_SETTLE_WINDOW_SECONDS: positiveInt.default(300),
  /** How often the lost call is looked up again during the settle window. */
  COMMIT_SETTLE_RECHECK_SECONDS: positiveInt.default(15),
  /**
   * How long before the due time a post's work that may precede it (a provider's staged steps: an Instagram
   * container and its upload) begins, so only the commit remains at the due instant. 0 turns staging off.
   */
  STAGING_LEAD_SECONDS: z.coerce.number().int().min(0).default(300),
  /** Large media start earlier: their size divided by this (a cautious upload rate) is added to the lead. */
  STAGING_UPLOAD_BYTES_PER_SECOND: positiveInt.default(2_000_000),
  /** Transfers (uploads) running at once on the worker's own transfer task queue, apart from the due commits' slots. */
  WORKER_MAX_CONCURRENT_TRANSFERS: positiveInt.default(8),
  /** How often each account's insightsSync schedule runs. */
  INSIGHTS_SYNC_INTERVAL_MINUTES: positiveInt.default(60),
  /** Best times: below this many rated published targets in the window, a group's slots come from the prior table. */
  BEST_TIMES_MIN_POSTS: positiveInt.default(10),
  /** Best times: k, the weight (in pseudo-posts at the group's mean) that shrinks each slot's rate toward the mean. */
  BEST_TIMES_PRIOR_WEIGHT: positiveInt.default(3),
  /** Next free slot: no post of the account may be scheduled less than this many minutes from the suggested time. */
  BEST_TIMES_FREE_SLOT_GAP_MINUTES: positiveInt.default(60),
  /** How often the post reconciler's Temporal Schedule (`reconcile-posts`) runs. */
  RECONCILER_INTERVAL_MINUTES: positiveInt.default(5),
  /** A target in a running status (pending … processing) untouched this long, without a running workflow, is stuck. */
  RECONCILER_STUCK_MINUTES: positiveInt.default(30),
  OAUTH_STATE_TTL_SECONDS: positiveInt.default(600),
  WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS: positiveInt.default(300),

  /** Processed webhook_events rows are deleted this many days after they were received (unprocessed ones are kept). */
  WEBHOOK_EVENTS_RETENTION_DAYS: positiveInt.default(30),
  /**
   * quota_holds rows are deleted this many days after they were taken. At least 2: the longest quota window is 24 h,
   * and a hold must outlive its window to be counted.
   */
  QUOTA_HOLDS_RETENTION_DAYS: z.coerce.number().int().min(2, 'at least 2 (the longest quota window is 24 h)').default(7),
  /** How often the pruneExpiredRecords schedule deletes rows past their retention (and expired idempotency records). */
  RETENTION_PRUNE_INTERVAL_MINUTES: positiveInt.default(60),

  // Writing help (src/ai): an OpenAI-compatible chat-completions endpoint. Unset: those routes answer 503.
  /** e.g. https://api.openai.com/v1 or Ollama's http://localhost:11434/v1; `npm run dev` uses the sandbox's /llm/v1. */
  AI_BASE_URL: z.string().url().optional(),
  /** Bearer key of the endpoint (a secret: redacted from logs, never in a response). */
  AI_API_KEY: z.string().optional(),
  AI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  AI_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
};

/** Core settings and every platform's own (src/platforms/modules.ts). */
export const configSchema = z.object({ ...coreSettingsShape, ...platformSettingsShape() });

export type RawConfig = z.infer<typeof configSchema>;

export type Config = RawConfig;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blanksRemoved = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(blanksRemoved);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.TOKEN_KEYS && c.TOKEN_KEY_CURRENT && !c.TOKEN_KEYS.has(c.TOKEN_KEY_CURRENT)) {
    throw new ConfigError('invalid configuration:\n  TOKEN_KEY_CURRENT: must name a key in TOKEN_KEYS');
  }
  return c;
}
