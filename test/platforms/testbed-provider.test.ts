// The testbed provider against an in-process sandbox: the publish plan end to end, chunked upload with resume,
// reconcile after lost answers, error mapping, and OAuth.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTestbedProvider } from '../../src/platforms/testbed/index.js';
import {
  PublishError, type Json, type MediaSource, type PlatformProvider, type PublishContext, type PublishState, type StepOutcome,
} from '../../src/platforms/provider.js';
import { startSandbox, waitFor, type RunningSandbox } from '../sandbox/helpers.js';
import { memoryQuota } from '../support/memory-quota.js';
import { memorySecrets } from '../support/memory-secrets.js';
import { writeRandomFile, type RandomFile } from '../support/random-file.js';

const MB = 1024 * 1024;
const CHUNK = 3 * MB;
const FILE_SIZE = 20 * MB + 123; // not a multiple of the chunk size: the last chunk is short

let sb: RunningSandbox;
let provider: PlatformProvider;
let file: RandomFile;
let fileSha256: string;

beforeAll(async () => {
  sb = await startSandbox({ testbed: { processingMs: 60 } });
  provider = createTestbedProvider({ baseUrl: sb.testbedUrl, chunkSizeBytes: CHUNK, pollIntervalMs: 30 });
  file = await writeRandomFile(FILE_SIZE);
  fileSha256 = file.sha256;
});
afterAll(async () => {
  await sb.close();
  await file.remove();
});
beforeEach(async () => sb.control.reset());

const fileMedia = (): MediaSource => file.media();


interface TestContext extends PublishContext {
  beats: Json[];
}

let targetSeq = 0;
function makeCtx(over: Partial<PublishContext> = {}): TestContext {
  const beats: Json[] = [];
  return {
    targetId: `target-${++targetSeq}-${Date.now()}`,
    postId: 'post-1',
    account: { id: 'acc-1', platformAccountId: 'acct-1', accessToken: 'testbed-acct-1', metadata: {} },
    text: 'Hello from Herald',
    hashtags: [],
    media: [],
    options: {},
    state: { data: {} },
    progress: undefined,
    heartbeat: (p) => { beats.push(p); },
    signal: new AbortController().signal,
    quota: memoryQuota(), secrets: memorySecrets(),
    beats,
    ...over,
  };
}

async function runStep(step: string, ctx: PublishContext): Promise<StepOutcome> {
  return provider.publish.runStep(step, ctx);
}

/** Walks the plan like the workflow does (without faults): returns the final state and the step names run. */
async function runPlan(ctx: TestContext): Promise<{ state: PublishState; steps: string[] }> {
  const plan = provider.publish.plan({ options: ctx.options, media: ctx.media.map((m) => ({ contentType: m.contentType, ...(m.url ? { url: m.url } : {}) })) });
  const steps: string[] = [];
  for (const step of plan) {
    steps.push(step.name);
    for (;;) {
      const out = await runStep(step.name, ctx);
      ctx.state = out.state;
      if (out.type === 'published') return { state: out.state, steps };
      if (out.type === 'continue') break;
      await new Promise((r) => setTimeout(r, out.pollAfterMs));
    }
  }
  throw new Error('plan ended without publishing');
}

async function publishError(p: Promise<unknown>): Promise<PublishError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PublishError);
  return err as PublishError;
}

describe('plan', () => {
  test('text-only and URL media skip the upload step; stored files need it', () => {
    expect(provider.publish.plan({ options: {}, media: [] })).toEqual([
      { name: 'validate', kind: 'prepare', status: 'preparing' },
      { name: 'create', kind: 'commit', status: 'submitting', absence: expect.objectContaining({ kind: 'settle_window' }) },
      { name: 'status', kind: 'await', status: 'processing' },
    ]);
    expect(provider.publish.plan({ options: {}, media: [{ contentType: 'image/jpeg', url: 'https://cdn.example/a.jpg' }] }).map((s) => s.name))
      .toEqual(['validate', 'create', 'status']);
    expect(provider.publish.plan({ options: {}, media: [{ contentType: 'video/mp4' }] })).toContainEqual({ name: 'upload', kind: 'transfer', status: 'uploading' });
  });

  test('limits', () => {
    expect(provider.id).toBe('testbed');
    expect(provider.limits).toMatchObject({ maxTextLength: 2200, maxHashtags: 30, minMedia: 0, maxMedia: 10, mediaTypes: ['image/*', 'video/*'] });
  });
});

describe('end to end', () => {
  test('text-only post is published as given (hashtags already composed); the huge id stays exact', async () => {
    const ctx = makeCtx({ text: 'Hello from Herald #herald #launch', hashtags: ['herald', 'launch'] });
    const { state, steps } = await runPlan(ctx);
    expect(steps).toEqual(['validate', 'create', 'status']);
    const [post] = (await sb.control.state()).posts;
    expect(state).toMatchObject({ publishId: post.id, platformPostId: post.id, permalink: `https://testbed.example/p/${post.id}` });
    expect(post).toMatchObject({ client_ref: ctx.targetId, account_id: 'acct-1', text: 'Hello from Herald #herald #launch', status: 'published' });
    expect(post.id).toMatch(/^\d{19}$/);
  });

  test('an uploaded 20 MB file goes in 3 MB chunks with correct ranges and heartbeats', async () => {
    const ctx = makeCtx({ media: [fileMedia(), { contentType: 'image/jpeg', url: 'https://cdn.example/cover.jpg' }] });
    const { state, steps } = await runPlan(ctx);
    expect(steps).toEqual(['validate', 'upload', 'create', 'status']);
    expect(state.permalink).toMatch(/^https:\/\/testbed\.example\/p\/\d{19}$/);

    const sandbox = await sb.control.state();
    expect(sandbox.uploads).toHaveLength(1);
    const [upload] = sandbox.uploads;
    expect(upload).toMatchObject({ size: FILE_SIZE, received_bytes: FILE_SIZE, complete: true, sha256: fileSha256 });
    expect(sandbox.posts[0].media).toEqual([{ upload_id: upload.upload_id }, { url: 'https://cdn.example/cover.jpg' }]);

    const puts = await sb.control.requests('?method=PUT');
    const ranges = puts.map((r) => r.headers['content-range']);
    const expected: string[] = [];
    for (let start = 0; start < FILE_SIZE; start += CHUNK) expected.push(`bytes ${start}-${Math.min(start + CHUNK, FILE_SIZE) - 1}/${FILE_SIZE}`);
    expect(ranges).toEqual(expected);
    expect(puts.every((r) => r.status === 206 || r.status === 201)).toBe(true);

    const chunkBeats = ctx.beats.filter((b) => (b as { mediaIndex: number }).mediaIndex === 0);
    expect(chunkBeats.at(-1)).toEqual({ mediaIndex: 0, uploadId: upload.upload_id, nextOffset: FILE_SIZE, uploadIds: [null, null] });
    expect(ctx.beats.at(-1)).toEqual({ mediaIndex: 1, uploadId: null, nextOffset: 0, uploadIds: [upload.upload_id, null] });
    expect(state.data.uploadIds).toEqual([upload.upload_id, null]);
  });

  test('a post the platform rejects fails the await step permanently with its reason', async () => {
    const ctx = makeCtx({ text: 'nope [[fail:policy_violation]]' });
    await runStep('validate', ctx);
    ctx.state = (await runStep('create', ctx)).state;
    const err = await publishError(waitFor(async () => {
      const out = await runStep('status', ctx);
      return out.type === 'pending' ? undefined : out;
    }, 3000));
    expect(err).toMatchObject({ kind: 'permanent', code: 'publish_failed', message: 'policy_violation' });
  });
});

describe('upload resume', () => {
  test('after an interruption the retry continues from the heartbeat, not from zero', async () => {
    const controller = new AbortController();
    const first = makeCtx({ media: [fileMedia()], signal: controller.signal });
    // Cut the attempt after the third chunk, as a worker crash or a cancelled activity would.
    first.heartbeat = (p) => {
      first.beats.push(p);
      if ((p as { nextOffset: number }).nextOffset >= 3 * CHUNK) controller.abort();
    };
    const err = await publishError(runStep('upload', first));
    expect(err.kind).toBe('transient');

    const progress = first.beats.at(-1)!;
    expect(progress).toMatchObject({ mediaIndex: 0, nextOffset: 3 * CHUNK });
    const retry = makeCtx({ targetId: first.targetId, media: [fileMedia()], progress });
    const out = await runStep('upload', retry);
    expect(out.type).toBe('continue');

    const [upload] = (await sb.control.state()).uploads;
    expect(upload).toMatchObject({ complete: true, sha256: fileSha256 });
    expect(out.state.data.uploadIds).toEqual([upload.upload_id]);
    expect(await sb.control.requests('?method=POST&path=/testbed/v1/uploads')).toHaveLength(1);
    const retryPuts = (await sb.control.requests('?method=PUT')).filter((r) => r.status !== null && r.outcome === 'answered');
    // Every byte was accepted exactly once.
    expect(retryPuts.reduce((n, r) => n + r.body.bytes, 0)).toBe(FILE_SIZE);
  });

  test('a chunk whose answer was lost is not sent again: the server says where to resume', async () => {
    const lostRange = `bytes ${3 * CHUNK}-${4 * CHUNK - 1}/${FILE_SIZE}`;
    await sb.control.addFault({
      match: { method: 'PUT', path: '/testbed/upload/*', header: { name: 'content-range', value: lostRange } },
      action: { type: 'drop_after_effect', mode: 'reset' },
    });
    const first = makeCtx({ media: [fileMedia()] });
    const err = await publishError(runStep('upload', first));
    expect(err).toMatchObject({ kind: 'transient', code: 'network_error' });
    const progress = first.beats.at(-1)!;
    expect(progress).toMatchObject({ nextOffset: 3 * CHUNK }); // the heartbeat predates the lost answer

    const retry = makeCtx({ media: [fileMedia()], progress });
    await runStep('upload', retry);
    const puts = await sb.control.requests('?method=PUT');
    const starts = puts.map((r) => Number(/bytes (\d+)-/.exec(r.headers['content-range'])![1]));
    // 0,1,2,3 (lost answer) then straight on from 4: chunk 3 was never re-sent.
    expect(starts.slice(0, 5)).toEqual([0, CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK]);
    expect(starts.filter((s) => s === 3 * CHUNK)).toHaveLength(1);
    expect(await sb.control.requests('?method=GET&path=/testbed/v1/uploads/*')).toHaveLength(1);
    expect((await sb.control.state()).uploads[0]).toMatchObject({ complete: true, sha256: fileSha256 });
  });

  test('an expired upload is started afresh', async () => {
    // Long enough that a fresh upload completes on a loaded 2-core machine, short enough to expire during the pause.
    const short = await startSandbox({ testbed: { uploadTtlMs: 3000 } });
    try {
      const p = createTestbedProvider({ baseUrl: short.testbedUrl, chunkSizeBytes: CHUNK });
      const controller = new AbortController();
      const first = makeCtx({ media: [fileMedia()], signal: controller.signal });
      first.heartbeat = (b) => { first.beats.push(b); if ((b as { nextOffset: number }).nextOffset >= CHUNK) controller.abort(); };
      await publishError(p.publish.runStep('upload', first));
      await new Promise((r) => setTimeout(r, 3200));
      const out = await p.publish.runStep('upload', makeCtx({ media: [fileMedia()], progress: first.beats.at(-1)! }));
      const uploads = (await short.control.state()).uploads;
      expect(uploads).toHaveLength(2);
      expect(uploads[1]).toMatchObject({ complete: true, sha256: fileSha256 });
      expect(out.state.data.uploadIds).toEqual([uploads[1].upload_id]);
    } finally {
      await short.close();
    }
  });
});

describe('reconcile after an ambiguous create', () => {
  test('lost answer (connection reset after the post was made): applied, with the right id', async () => {
    await sb.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts' }, action: { type: 'drop_after_effect', mode: 'reset' } });
    const ctx = makeCtx();
    const err = await publishError(runStep('create', ctx));
    expect(err.kind).toBe('ambiguous');

    const rec = await provider.publish.reconcile('create', ctx);
    const [post] = (await sb.control.state()).posts;
    expect(rec).toEqual({ type: 'applied', state: { data: {}, publishId: post.id } });
    ctx.state = rec.type === 'applied' ? rec.state : ctx.state;
    const done = await waitFor(async () => {
      const out = await runStep('status', ctx);
      return out.type === 'published' ? out : undefined;
    }, 3000);
    expect(done.state.platformPostId).toBe(post.id);
  });

  test('a 5xx answered before anything happened: not_applied, and the resend makes exactly one post', async () => {
    await sb.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts' }, action: { type: 'status', status: 503 } });
    const ctx = makeCtx();
    const err = await publishError(runStep('create', ctx));
    expect(err).toMatchObject({ kind: 'ambiguous', code: 'injected_fault' });
    expect(await provider.publish.reconcile('create', ctx)).toEqual({ type: 'not_applied' });
    await runStep('create', ctx);
    expect((await sb.control.state()).posts).toHaveLength(1);
  });

  test('a lookup failing with a 5xx is thrown as transient, to be retried', async () => {
    await sb.control.addFault({ match: { method: 'GET', path: '/testbed/v1/posts' }, action: { type: 'status', status: 500 } });
    const err = await publishError(provider.publish.reconcile('create', makeCtx()));
    expect(err.kind).toBe('transient');
  });

  test('a lookup the platform refuses is unknown, with evidence', async () => {
    await sb.control.addFault({ match: { method: 'GET', path: '/testbed/v1/posts' }, action: { type: 'status', status: 403, body: { error: { code: 'forbidden', message: 'no' } } } });
    const rec = await provider.publish.reconcile('create', makeCtx());
    expect(rec.type).toBe('unknown');
    expect(rec.type === 'unknown' && rec.evidence).toMatch(/forbidden/);
  });
});

describe('error mapping', () => {
  test('401 -> auth', async () => {
    const err = await publishError(runStep('validate', makeCtx({ account: { id: 'a', platformAccountId: 'x', accessToken: 'bogus', metadata: {} } })));
    expect(err).toMatchObject({ kind: 'auth', code: 'access_token_invalid' });
    expect(err.message).not.toContain('bogus');
  });

  test('429 -> rate_limited with Retry-After (injected and real limiter)', async () => {
    await sb.control.addFault({ match: { path: '/testbed/v1/me' }, action: { type: 'status', status: 429, headers: { 'retry-after': '7' } } });
    expect(await publishError(runStep('validate', makeCtx()))).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });

    const limited = await startSandbox({ testbed: { rateLimitPerMinute: 1 } });
    try {
      const p = createTestbedProvider({ baseUrl: limited.testbedUrl });
      await p.publish.runStep('validate', makeCtx());
      const err = await publishError(p.publish.runStep('validate', makeCtx()));
      expect(err).toMatchObject({ kind: 'rate_limited', code: 'rate_limit_exceeded' });
      expect(err.retryAfterMs).toBeGreaterThan(0);
      expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
    } finally {
      await limited.close();
    }
  });

  test('400 -> permanent with the platform code, also on the commit step', async () => {
    const err = await publishError(runStep('create', makeCtx({ text: 'x'.repeat(2300) })));
    expect(err).toMatchObject({ kind: 'permanent', code: 'text_too_long' });
  });

  test('500 -> transient on reads, ambiguous on the commit', async () => {
    await sb.control.addFault({ match: { path: '/testbed/v1/*' }, action: { type: 'status', status: 500 }, times: 0 });
    expect(await publishError(runStep('validate', makeCtx()))).toMatchObject({ kind: 'transient', code: 'injected_fault' });
    expect(await publishError(runStep('status', makeCtx({ state: { publishId: '7000000000000000001', data: {} } })))).toMatchObject({ kind: 'transient' });
    expect(await publishError(runStep('create', makeCtx()))).toMatchObject({ kind: 'ambiguous' });
  });

  test('timeouts: transient on reads, ambiguous on the commit', async () => {
    const impatient = createTestbedProvider({ baseUrl: sb.testbedUrl, requestTimeoutMs: 200 });
    await sb.control.addFault({ match: { path: '/testbed/v1/*' }, action: { type: 'delay', ms: 600 }, times: 0 });
    expect(await publishError(impatient.publish.runStep('validate', makeCtx()))).toMatchObject({ kind: 'transient', code: 'timeout' });
    expect(await publishError(impatient.publish.runStep('create', makeCtx()))).toMatchObject({ kind: 'ambiguous', code: 'timeout' });
  });

  test('a refused connection never sent anything: transient even for the commit', async () => {
    const closed = await startSandbox();
    const closedUrl = closed.testbedUrl;
    await closed.close(); // nothing listens on that port any more
    const nowhere = createTestbedProvider({ baseUrl: closedUrl });
    expect(await publishError(nowhere.publish.runStep('validate', makeCtx()))).toMatchObject({ kind: 'transient', code: 'network_error' });
    expect(await publishError(nowhere.publish.runStep('create', makeCtx()))).toMatchObject({ kind: 'transient', code: 'network_error' });
  });
});

describe('oauth', () => {
  test('authorize with PKCE, exchange, profile, refresh with rotation, revoke', async () => {
    const oauth = provider.oauth!;
    expect(oauth.usesPkce).toBe(true);
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = 'http://127.0.0.1:3000/oauth/callback/testbed';
    const url = oauth.authorizeUrl({ state: 'xyz', redirectUri, codeChallenge: challenge });
    expect(url.startsWith(`${sb.testbedUrl}/oauth/authorize?`)).toBe(true);

    const res = await fetch(url, { redirect: 'manual' });
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('xyz');
    const tokens = await oauth.exchangeCode({ code: back.searchParams.get('code')!, redirectUri, codeVerifier: verifier });
    expect(tokens.accessToken).toMatch(/^testbed-at-/);
    expect(tokens.expiresAt!.getTime()).toBeGreaterThan(Date.now());
    expect(tokens.refreshExpiresAt!.getTime()).toBeGreaterThan(tokens.expiresAt!.getTime());
    expect(tokens.scopes).toEqual(['profile', 'posts.write', 'insights.read']);

    expect(await oauth.fetchProfiles(tokens)).toEqual([{ platformAccountId: 'tb-user-1', displayName: 'Testbed User' }]);

    const refreshed = await oauth.refresh!({ refreshToken: tokens.refreshToken! });
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    const reuse = await publishError(oauth.refresh!({ refreshToken: tokens.refreshToken! }));
    expect(reuse).toMatchObject({ kind: 'permanent', code: 'invalid_grant' });

    await oauth.revoke({ accessToken: refreshed.accessToken });
    expect(await publishError(oauth.fetchProfiles(refreshed))).toMatchObject({ kind: 'auth' });
  });

  test('a wrong verifier is rejected', async () => {
    const oauth = provider.oauth!;
    const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
    const redirectUri = 'http://127.0.0.1:3000/cb';
    const res = await fetch(oauth.authorizeUrl({ state: 's', redirectUri, codeChallenge: challenge }), { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const err = await publishError(oauth.exchangeCode({ code, redirectUri, codeVerifier: randomBytes(32).toString('base64url') }));
    expect(err).toMatchObject({ kind: 'permanent', code: 'invalid_grant' });
  });
});

test('insights are empty', async () => {
  expect(await provider.insights!.fetchAccountInsights({ accessToken: 't', platformAccountId: 'a', quota: memoryQuota(), since: new Date() })).toEqual([]);
  expect(await provider.insights!.fetchPostMetrics({ accessToken: 't', platformAccountId: 'a', quota: memoryQuota() }, [{ targetId: 't', platformPostId: '1' }])).toEqual([]);
});
