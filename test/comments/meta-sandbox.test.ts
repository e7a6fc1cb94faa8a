// The Instagram provider's comments capability against the Meta sandbox (contract §4.11): a reply lands under the
// comment as the account's own, hide/unhide is recorded, and the Graph rules hold (no reply to a reply or to a
// hidden comment; unknown comment → permanent error). The control route's comments arrive as signed webhooks that
// the provider parses as `comment` events.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { PublishError, type CommentsContext, type PlatformProvider } from '../../src/platforms/provider.js';
import { DEFAULT_META_USER } from '../../src/sandbox/platforms/meta/index.js';
import { startReceiver, startSandbox, waitFor, type RunningSandbox } from '../sandbox/helpers.js';
import { instagramAt } from '../support/instagram.js';

const IG = DEFAULT_META_USER.pages[0]!.instagram!.id;

type Snapshot = { comments: { id: string; mediaId: string; text: string; parentId?: string; hidden?: boolean; from: { id: string; username: string } }[] };

let sb: RunningSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let p: PlatformProvider;
let ctx: CommentsContext;
let mediaId: string;

async function connect(): Promise<string> {
  const res = await fetch(p.oauth!.authorizeUrl({ state: 's', redirectUri: 'https://h.example/cb' }), { redirect: 'manual' });
  const tokens = await p.oauth!.exchangeCode({ code: new URL(res.headers.get('location')!).searchParams.get('code')!, redirectUri: 'https://h.example/cb' });
  return tokens.accessToken;
}

async function publishImage(token: string): Promise<string> {
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const c: any = await (await fetch(`${sb.baseUrl}/meta/v25.0/${IG}/media`, { method: 'POST', headers: auth, body: JSON.stringify({ image_url: 'https://cdn.example/a.jpg' }) })).json();
  const m: any = await (await fetch(`${sb.baseUrl}/meta/v25.0/${IG}/media_publish`, { method: 'POST', headers: auth, body: JSON.stringify({ creation_id: c.id }) })).json();
  return m.id;
}

async function addComments(texts: string[], parentId?: string): Promise<string[]> {
  const res = await sb.control.call('POST', '/meta/comments', { mediaId, comments: texts.map((text) => ({ text })), ...(parentId ? { parentId } : {}) });
  return (res as { body: { comments: string[] } }).body.comments;
}

const snapshot = async () => (await sb.control.call('GET', '/state/meta')) as { body: Snapshot };
const commentIn = async (id: string) => (await snapshot()).body.comments.find((c) => c.id === id);

beforeAll(async () => {
  receiver = await startReceiver();
  sb = await startSandbox({ meta: { webhook: { url: receiver.url } } });
  p = instagramAt(sb.baseUrl);
});
afterAll(async () => { await sb?.close(); await receiver?.close(); });
beforeEach(async () => {
  await sb.control.reset();
  receiver.received.length = 0;
  ctx = { accessToken: await connect(), platformAccountId: IG };
  mediaId = await publishImage(ctx.accessToken);
});

describe('Instagram comments capability', () => {
  test('the provider has it', () => {
    expect(typeof p.comments?.reply).toBe('function');
    expect(typeof p.comments?.setHidden).toBe('function');
  });

  test('a control-route comment arrives as a signed webhook the provider parses as a comment event', async () => {
    const [id] = await addComments(['hello there']);
    const got = await waitFor(() => receiver.received[0], 3000, 'delivery');
    const req = { rawBody: got.rawBody, headers: got.headers, query: {} };
    expect(p.webhooks!.verify(req, new Date())).toEqual({ ok: true });
    const [event] = p.webhooks!.parse(req);
    expect(event).toMatchObject({ kind: 'comment', platformAccountId: IG, comment: { commentId: id, mediaId, text: 'hello there', authorUsername: 'some_user' } });
  });

  test('reply: recorded under the comment, from the account itself; a reply to a reply is refused', async () => {
    const [commentId] = await addComments(['great post']);
    const { id } = await p.comments!.reply(ctx, commentId!, 'Thank you! 🙏');
    expect(id).toMatch(/^\d+$/);
    expect(await commentIn(id)).toMatchObject({ mediaId, text: 'Thank you! 🙏', parentId: commentId, from: { id: IG } });
    const err = await p.comments!.reply(ctx, id, 'nested').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as PublishError).kind).toBe('permanent');
  });

  test('hide and unhide are recorded; a hidden comment cannot be replied to', async () => {
    const [commentId] = await addComments(['spam spam']);
    await p.comments!.setHidden(ctx, commentId!, true);
    expect((await commentIn(commentId!))?.hidden).toBe(true);
    const err = await p.comments!.reply(ctx, commentId!, 'hello?').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    await p.comments!.setHidden(ctx, commentId!, false);
    expect((await commentIn(commentId!))?.hidden).toBe(false);
    const ok = await p.comments!.reply(ctx, commentId!, 'now visible');
    expect(await commentIn(ok.id)).toMatchObject({ parentId: commentId });
  });

  test('an unknown comment is a permanent error; an invalid token is refused', async () => {
    const err = await p.comments!.setHidden(ctx, '17000000000000000', true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect((err as PublishError).kind).toBe('permanent');
    const [commentId] = await addComments(['x']);
    const bad = await p.comments!.setHidden({ ...ctx, accessToken: 'EAAnope' }, commentId!, true).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PublishError);
    expect((await commentIn(commentId!))?.hidden ?? false).toBe(false);
  });
});
