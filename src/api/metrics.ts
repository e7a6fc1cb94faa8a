// Prometheus metrics served by the API at /metrics. Each app gets its own Registry (tests build many apps in one
// process). Publish outcomes happen in the worker process, so they are read from Postgres at scrape time rather
// than counted here.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

export interface ApiMetrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** For webhook routes: one increment per delivery, `outcome` e.g. accepted / duplicate / rejected. */
  webhooksReceived: Counter<'provider' | 'outcome'>;
  /** Language-model calls of the writing-help routes (src/ai/model-client.ts). */
  ai: ModelMetrics;
}

export interface ModelMetrics {
  /** One per HTTP request to the model; `outcome`: ok / invalid (answer failed the schema) / failed (error or timeout). */
  requests: Counter<'purpose' | 'outcome'>;
  latency: Histogram<'purpose'>;
  /** Tokens the endpoint reported in `usage`, `kind` prompt / completion. */
  tokens: Counter<'kind'>;
}

export function createApiMetrics(db: Db): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route pattern',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const webhooksReceived = new Counter({
    name: 'herald_webhooks_received_total',
    help: 'Platform webhook deliveries received, by provider and outcome',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  });

  new Gauge({
    name: 'herald_post_targets',
    help: 'Post targets by platform and publish status (read from Postgres at scrape time)',
    labelNames: ['platform', 'status'] as const,
    registers: [registry],
    async collect() {
      const rows = await db.execute<{ platform: string; status: string; n: number }>(
        sql`select platform, status::text as status, count(*)::int as n from post_targets group by 1, 2`,
      );
      // Reset first, so a combination that no longer has any target drops to absent instead of keeping its old value.
      this.reset();
      for (const r of rows) this.set({ platform: r.platform, status: r.status }, r.n);
    },
  });

  new Gauge({
    name: 'herald_reconciler_findings',
    help: 'Findings of the post reconciler since the database was created, by kind and action (restarted / marked; read from Postgres at scrape time)',
    labelNames: ['kind', 'action'] as const,
    registers: [registry],
    async collect() {
      const rows = await db.execute<{ kind: string; action: string; n: number }>(
        sql`select kind, action, count(*)::int as n from reconciler_findings group by 1, 2`,
      );
      this.reset();
      for (const r of rows) this.set({ kind: r.kind, action: r.action }, r.n);
    },
  });

  const ai: ModelMetrics = {
    requests: new Counter({
      name: 'herald_ai_requests_total', help: 'Language-model requests by purpose and outcome (ok, invalid, failed)',
      labelNames: ['purpose', 'outcome'] as const, registers: [registry],
    }),
    latency: new Histogram({
      name: 'herald_ai_request_duration_seconds', help: 'Language-model request duration in seconds',
      labelNames: ['purpose'] as const, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry],
    }),
    tokens: new Counter({
      name: 'herald_ai_tokens_total', help: 'Tokens used by language-model requests, as reported by the endpoint',
      labelNames: ['kind'] as const, registers: [registry],
    }),
  };

  return { registry, httpRequestDuration, webhooksReceived, ai };
}
