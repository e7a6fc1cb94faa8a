// X and LinkedIn beside an existing platform, on the real stack: one post cross-posted to X, a LinkedIn member and
// Threads, each account connected through Herald's API, each target published once; and a 4-part X thread whose
// worker is stopped while the third part is being created: after the restart every part is on X exactly once, in
// one reply chain.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { waitFor } from '../sandbox/helpers.js';
import { connectAllThroughApi } from '../support/connect.js';
import { linkedinAt } from '../support/linkedin.js';
import { scheduleSoon, settledPost } from '../support/scheduled-post.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { threadsAt } from '../support/threads.js';
import { xAt } from '../support/x.js';

const X_CLIENT = { clientId: 'xl-x', clientSecret: 'xl-x-secret' };
const THREADS_APP = { appId: 'xl-threads', appSecret: 'xl-threads-secret' };
const SETTLE = { windowMs: 2000, recheckEveryMs: 400 };

let s: PlatformStack;
let user: TestUser;
const accounts: Record<string, string> = {};

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { x: X_CLIENT, linkedin: {}, threads: THREADS_APP },
    providers: (base) => [
      xAt(base, { ...X_CLIENT, requestTimeoutMs: 1500, settleWindow: SETTLE }),
      linkedinAt(base, { pollIntervalMs: 200, requestTimeoutMs: 1500, settleWindow: SETTLE }),
      threadsAt(base, { ...THREADS_APP, pollIntervalMs: 200, settleWindow: SETTLE }),
    ],
    // Near zero: stopping the worker is a crash for the activity it is running.
    shutdownGraceTime: '10 ms',
  });
  user = await createTestUser(s.api.database.db);
  for (const platform of ['x', 'linkedin', 'threads']) {
    const connected = await connectAllThroughApi(s.api, user, platform);
    // LinkedIn's login yields the member and the pages they administer: the member is the person URN.
    accounts[platform] = (connected.find((a) => !a.platformAccountId.startsWith('urn:li:organization:')) ?? connected[0]!).id;
  }
}, 120_000);
afterAll(async () => { await s?.close(); });

const schedule = (payload: Record<string, unknown>) => scheduleSoon(s, user, payload);
const finished = (postId: string) => settledPost(s, postId);

interface XPost { id: string; text: string; inReplyToId?: string }
const xPosts = async () => (await s.sandbox.control.state('x')).posts as XPost[];

describe('X and LinkedIn beside Threads', () => {
  test('one post cross-posted to X, a LinkedIn member and Threads: every target published once, with its own ids', async () => {
    const marker = `xl-cross-${Date.now()}`;
    const { post, targets } = await finished(await schedule({
      content: `Launch day (${marker}) #herald`,
      targets: [{ accountId: accounts.x }, { accountId: accounts.linkedin }, { accountId: accounts.threads }],
    }));
    expect(post.status).toBe('published');
    expect(targets.map((t) => [t.platform, t.status]).sort()).toEqual([['linkedin', 'published'], ['threads', 'published'], ['x', 'published']]);
    for (const t of targets) expect(t.platformPostId, t.platform).toBeTruthy();

    expect((await xPosts()).filter((p) => p.text.includes(marker))).toHaveLength(1);
    const linkedinPosts = (await s.sandbox.control.state('linkedin')).posts as { urn: string; text: string }[];
    const onLinkedin = linkedinPosts.filter((p) => p.text.includes(marker));
    expect(onLinkedin).toHaveLength(1);
    // LinkedIn's "little" text: the parentheses went escaped and arrive as written.
    expect(onLinkedin[0]!.text).toBe(`Launch day (${marker}) #herald`);
    const threadsPosts = (await s.sandbox.control.state('threads')).posts as { text: string }[];
    expect(threadsPosts.filter((p) => p.text.includes(marker))).toHaveLength(1);
  });

  test('a 4-part X thread survives a worker crash during its third part: each part once, one chain', async () => {
    const marker = `xl-crash-${Date.now()}`;
    const parts = [`1/4 ${marker}`, `2/4 ${marker}`, `3/4 ${marker}`, `4/4 ${marker}`];
    // The third part's create hangs, so the worker is stopped with two parts on X and the third under way.
    await s.sandbox.control.addFault({ match: { method: 'POST', path: '/x/2/tweets', bodyIncludes: parts[2]! }, action: { type: 'delay', ms: 4000 } });
    const postId = await schedule({ content: parts[0], targets: [{ accountId: accounts.x, options: { thread: parts.slice(1) } }] });
    const thirdCreates = async () => (await s.sandbox.control.requests('?platform=x&method=POST&path=/x/2/tweets')).filter((r) => r.body?.text === parts[2]);
    await waitFor(async () => (await thirdCreates()).some((r) => r.outcome === 'in_flight'), 20_000, 'the third part under way');
    await s.worker.stop();
    expect((await xPosts()).filter((p) => p.text.includes(marker)).map((p) => p.text)).toEqual(parts.slice(0, 2));
    await s.worker.start();

    const { post } = await finished(postId);
    expect(post.status).toBe('published');
    const chain = (await xPosts()).filter((p) => p.text.includes(marker));
    expect(chain.map((p) => p.text)).toEqual(parts);
    chain.slice(1).forEach((p, i) => expect(p.inReplyToId, p.text).toBe(chain[i]!.id));
    // No part was answered twice. (The interrupted create may have landed at X after the worker let go of it; then
    // the restarted worker found it by reconciling instead of sending it again, and X's log shows it as aborted.)
    const answered = (await s.sandbox.control.requests('?platform=x&method=POST&path=/x/2/tweets'))
      .filter((r) => typeof r.body?.text === 'string' && r.body.text.includes(marker) && r.outcome === 'answered')
      .map((r) => r.body.text as string);
    expect(new Set(answered).size).toBe(answered.length);
  });
});
