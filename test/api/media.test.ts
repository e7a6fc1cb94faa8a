// Media uploads through the API: streamed to disk, type allow-list, magic bytes, size limit, ownership, deletion.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { media, posts } from '../../src/db/schema.js';
import { createTestApi, createTestUser, errorOf, rulesOf, type TestApi, type TestUser } from './support/test-api.js';
import { multipart, sampleFiles } from './support/multipart.js';

const MAX = 1024;
let t: TestApi;
let user: TestUser;

beforeAll(async () => {
  t = await createTestApi({ env: { MEDIA_MAX_BYTES: String(MAX) } });
  user = await createTestUser(t.database.db);
});
afterAll(async () => { await t?.close(); });

/** Every file under the media directory, partial files included. */
async function filesOnDisk(): Promise<string[]> {
  const entries = await readdir(t.mediaDir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function upload(as: TestUser, file: Buffer, contentType: string, opts: { field?: string; filename?: string } = {}) {
  const form = multipart([{ name: opts.field ?? 'file', filename: opts.filename ?? 'upload.bin', contentType, value: file }]);
  return t.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...as.headers, ...form.headers }, payload: form.payload });
}

describe('POST /api/social/media', () => {
  test('stores the file and answers its metadata', async () => {
    const file = sampleFiles.png(300);
    const before = await filesOnDisk();
    const res = await upload(user, file, 'image/png', { filename: 'cat.png' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      id: expect.any(String), contentType: 'image/png', sizeBytes: 300,
      sha256: createHash('sha256').update(file).digest('hex'), originalName: 'cat.png', createdAt: expect.any(String),
    });
    const [row] = await t.database.db.select().from(media).where(eq(media.id, body.id));
    expect(row!.storageKey.startsWith(`${user.id}/`)).toBe(true);
    const added = (await filesOnDisk()).filter((f) => !before.includes(f));
    expect(added).toEqual([join(t.mediaDir, row!.storageKey)]);
    expect((await readFile(added[0]!)).equals(file)).toBe(true);

    const get = await t.app.inject({ method: 'GET', url: `/api/social/media/${body.id}`, headers: user.headers });
    expect(get.statusCode).toBe(200);
    expect(get.json()).toEqual(body);
  });

  test('accepts each allowed type whose first bytes match it', async () => {
    for (const [type, file] of [
      ['image/jpeg', sampleFiles.jpeg()], ['image/webp', sampleFiles.webp()], ['video/mp4', sampleFiles.mp4()],
      ['video/quicktime', sampleFiles.mp4()], ['video/webm', sampleFiles.webm()],
    ] as const) {
      const res = await upload(user, file, type);
      expect(res.statusCode, type).toBe(201);
      expect(res.json().contentType).toBe(type);
    }
  });

  test('a file of exactly MEDIA_MAX_BYTES is accepted', async () => {
    const res = await upload(user, sampleFiles.png(MAX), 'image/png');
    expect(res.statusCode).toBe(201);
    expect(res.json().sizeBytes).toBe(MAX);
  });

  test('application/octet-stream (curl\'s label for clip.mp4) is recognised from the bytes, the file name breaking ties', async () => {
    const cases = [
      [sampleFiles.mp4(), 'clip.mp4', 'video/mp4'],
      [sampleFiles.mp4(), 'clip.mov', 'video/quicktime'],
      [Buffer.concat([Buffer.from([0, 0, 0, 0x14]), Buffer.from('ftypqt  '), Buffer.alloc(20)]), 'no-extension', 'video/quicktime'],
      [sampleFiles.mp4(), 'no-extension', 'video/mp4'],
      [sampleFiles.png(), 'picture.jpg', 'image/png'], // the bytes win over a misleading name
      [sampleFiles.webm(), 'x', 'video/webm'],
    ] as const;
    for (const [file, filename, expected] of cases) {
      const res = await upload(user, file, 'application/octet-stream', { filename });
      expect(res.statusCode, filename).toBe(201);
      expect(res.json().contentType, `${filename} -> ${expected}`).toBe(expected);
    }
    const before = await filesOnDisk();
    const unknown = await upload(user, Buffer.from('just some text, no magic'), 'application/octet-stream', { filename: 'notes.mp4' });
    expect(unknown.statusCode).toBe(400);
    expect(rulesOf(unknown)).toEqual(['file:media_type']);
    expect(await filesOnDisk()).toEqual(before);
  });

  test('a type outside MEDIA_ALLOWED_TYPES is 400 file:media_type, and nothing is stored', async () => {
    const before = await filesOnDisk();
    const res = await upload(user, Buffer.from('hello'), 'text/plain');
    expect(res.statusCode).toBe(400);
    expect(rulesOf(res)).toEqual(['file:media_type']);
    expect(errorOf(res).details[0]!.message).toContain('text/plain');
    expect(await filesOnDisk()).toEqual(before);
  });

  test('content that does not match the declared type is 400 file:content_mismatch, partial file removed', async () => {
    const before = await filesOnDisk();
    const rowsBefore = (await t.database.db.select().from(media).where(eq(media.userId, user.id))).length;
    for (const [type, file] of [['image/png', sampleFiles.jpeg(500)], ['video/mp4', sampleFiles.png(500)], ['image/webp', Buffer.from('RIFF')]] as const) {
      const res = await upload(user, file, type);
      expect(res.statusCode, type).toBe(400);
      expect(rulesOf(res), type).toEqual(['file:content_mismatch']);
    }
    expect(await filesOnDisk()).toEqual(before);
    expect(await t.database.db.select().from(media).where(eq(media.userId, user.id))).toHaveLength(rowsBefore);
  });

  test('a file over MEDIA_MAX_BYTES is 413 file:max_bytes, partial file removed', async () => {
    const before = await filesOnDisk();
    const rowsBefore = (await t.database.db.select().from(media).where(eq(media.userId, user.id))).length;
    for (const size of [MAX + 1, MAX * 20]) {
      const res = await upload(user, sampleFiles.png(size), 'image/png');
      expect(res.statusCode, String(size)).toBe(413);
      expect(errorOf(res)).toMatchObject({ code: 'payload_too_large', details: [{ field: 'file', rule: 'max_bytes' }] });
    }
    expect(await filesOnDisk()).toEqual(before);
    expect(await t.database.db.select().from(media).where(eq(media.userId, user.id))).toHaveLength(rowsBefore);
  });

  test('a request that is not multipart is 415; a form without a file field is 400 file:required', async () => {
    const json = await t.app.inject({ method: 'POST', url: '/api/social/media', headers: user.headers, payload: { file: 'x' } });
    expect(json.statusCode).toBe(415);
    expect(errorOf(json).code).toBe('unsupported_media_type');
    const wrongField = await upload(user, sampleFiles.png(), 'image/png', { field: 'picture' });
    expect(wrongField.statusCode).toBe(400);
    expect(rulesOf(wrongField)).toEqual(['file:required']);
    const noFile = multipart([{ name: 'caption', value: 'hello' }]);
    const res = await t.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...noFile.headers }, payload: noFile.payload });
    expect(rulesOf(res)).toEqual(['file:required']);
  });
});

describe('POST /api/social/media: broken multipart requests are 400s that store nothing', () => {
  /** Sends `payload` as-is with this Content-Type; answers with the response and what changed on disk and in the table. */
  async function send(contentType: string, payload: Buffer) {
    const before = await filesOnDisk();
    // This user's rows only: other suites share the database and upload at the same time.
    const rowsOfUser = async () => (await t.database.db.select().from(media).where(eq(media.userId, user.id))).length;
    const rowsBefore = await rowsOfUser();
    const res = await t.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, 'content-type': contentType }, payload });
    const filesAdded = (await filesOnDisk()).filter((f) => !before.includes(f));
    const rowsAdded = (await rowsOfUser()) - rowsBefore;
    return { res, filesAdded, rowsAdded };
  }

  test('a multipart Content-Type without a boundary (or an empty or over-long one) is 400 body:multipart_boundary_missing', async () => {
    const form = multipart([{ name: 'file', filename: 'a.png', contentType: 'image/png', value: sampleFiles.png() }]);
    for (const contentType of ['multipart/form-data', 'multipart/form-data; boundary=', `multipart/form-data; boundary=${'x'.repeat(300)}`]) {
      const { res, filesAdded, rowsAdded } = await send(contentType, form.payload);
      expect(res.statusCode, contentType).toBe(400);
      expect(rulesOf(res), contentType).toEqual(['body:multipart_boundary_missing']);
      expect([filesAdded, rowsAdded], contentType).toEqual([[], 0]);
    }
  });

  test('a body cut short (no closing boundary, or cut inside the file) is 400 body:multipart_truncated, partial file removed', async () => {
    const form = multipart([{ name: 'file', filename: 'a.png', contentType: 'image/png', value: sampleFiles.png(600) }]);
    const closing = form.payload.lastIndexOf('\r\n--');
    for (const cutAt of [closing, 300]) {
      const { res, filesAdded, rowsAdded } = await send(form.headers['content-type'], form.payload.subarray(0, cutAt));
      expect(res.statusCode, String(cutAt)).toBe(400);
      expect(rulesOf(res), String(cutAt)).toEqual(['body:multipart_truncated']);
      expect({ filesAdded, rowsAdded }, String(cutAt)).toEqual({ filesAdded: [], rowsAdded: 0 });
    }
  });

  test('two files in one upload are 400 file:one_file_per_upload, and neither is kept', async () => {
    for (const secondField of ['file', 'other']) {
      const form = multipart([
        { name: 'file', filename: 'a.png', contentType: 'image/png', value: sampleFiles.png(200) },
        { name: secondField, filename: 'b.png', contentType: 'image/png', value: sampleFiles.png(200) },
      ]);
      const { res, filesAdded, rowsAdded } = await send(form.headers['content-type'], form.payload);
      expect(res.statusCode, secondField).toBe(400);
      expect(rulesOf(res), secondField).toEqual(['file:one_file_per_upload']);
      expect([filesAdded, rowsAdded], secondField).toEqual([[], 0]);
    }
  });

  test('a file name with U+0000 is 400 file:no_nul_character; text fields next to the file are still accepted', async () => {
    const nul = multipart([{ name: 'file', filename: 'a\u0000.png', contentType: 'image/png', value: sampleFiles.png() }]);
    const refused = await send(nul.headers['content-type'], nul.payload);
    expect(refused.res.statusCode).toBe(400);
    expect(rulesOf(refused.res)).toEqual(['file:no_nul_character']);
    expect([refused.filesAdded, refused.rowsAdded]).toEqual([[], 0]);

    const withCaption = multipart([
      { name: 'caption', value: 'hello' },
      { name: 'file', filename: 'a.png', contentType: 'image/png', value: sampleFiles.png() },
    ]);
    const ok = await send(withCaption.headers['content-type'], withCaption.payload);
    expect(ok.res.statusCode).toBe(201);
    expect([ok.filesAdded.length, ok.rowsAdded]).toEqual([1, 1]);
  });
});

describe('GET and DELETE /api/social/media/:id', () => {
  test('another user\'s media is 404 for GET and DELETE, and stays', async () => {
    const id = (await upload(user, sampleFiles.png(), 'image/png')).json().id;
    const stranger = await createTestUser(t.database.db);
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await t.app.inject({ method, url: `/api/social/media/${id}`, headers: stranger.headers });
      expect(res.statusCode, method).toBe(404);
      expect(errorOf(res).code).toBe('not_found');
    }
    expect((await t.app.inject({ method: 'GET', url: `/api/social/media/${id}`, headers: user.headers })).statusCode).toBe(200);
  });

  test('the owner reads the file back as stored, with its type and nosniff; nobody else can', async () => {
    const bytes = sampleFiles.jpeg(700);
    const id = (await upload(user, bytes, 'image/jpeg')).json().id;
    const res = await t.app.inject({ method: 'GET', url: `/api/social/media/${id}/content`, headers: user.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.rawPayload.equals(bytes)).toBe(true);
    const stranger = await createTestUser(t.database.db);
    expect((await t.app.inject({ method: 'GET', url: `/api/social/media/${id}/content`, headers: stranger.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/social/media/${id}/content` })).statusCode).toBe(401);
  });

  test('unknown ids are 404, malformed ones 400 id:uuid', async () => {
    expect((await t.app.inject({ method: 'GET', url: `/api/social/media/${randomUUID()}`, headers: user.headers })).statusCode).toBe(404);
    const bad = await t.app.inject({ method: 'GET', url: '/api/social/media/../etc', headers: user.headers });
    expect(bad.statusCode).toBe(404);
    const res = await t.app.inject({ method: 'DELETE', url: '/api/social/media/not-a-uuid', headers: user.headers });
    expect(res.statusCode).toBe(400);
    expect(rulesOf(res)).toEqual(['id:uuid']);
  });

  test('DELETE removes the row and the file', async () => {
    const id = (await upload(user, sampleFiles.png(), 'image/png')).json().id;
    const [row] = await t.database.db.select().from(media).where(eq(media.id, id));
    const res = await t.app.inject({ method: 'DELETE', url: `/api/social/media/${id}`, headers: user.headers });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(await filesOnDisk()).not.toContain(join(t.mediaDir, row!.storageKey));
    expect((await t.app.inject({ method: 'GET', url: `/api/social/media/${id}`, headers: user.headers })).statusCode).toBe(404);
  });

  test('DELETE is 409 while a scheduled or publishing post uses the file; allowed for drafts', async () => {
    const id = (await upload(user, sampleFiles.png(), 'image/png')).json().id;
    const [post] = await t.database.db.insert(posts).values({
      userId: user.id, content: 'x', status: 'scheduled', scheduledAt: new Date(Date.now() + 3_600_000), media: [{ mediaId: id }],
    }).returning();
    const res = await t.app.inject({ method: 'DELETE', url: `/api/social/media/${id}`, headers: user.headers });
    expect(res.statusCode).toBe(409);
    expect(rulesOf(res)).toEqual(['id:in_use']);
    await t.database.db.update(posts).set({ status: 'publishing' }).where(eq(posts.id, post!.id));
    expect((await t.app.inject({ method: 'DELETE', url: `/api/social/media/${id}`, headers: user.headers })).statusCode).toBe(409);
    await t.database.db.update(posts).set({ status: 'draft' }).where(eq(posts.id, post!.id));
    expect((await t.app.inject({ method: 'DELETE', url: `/api/social/media/${id}`, headers: user.headers })).statusCode).toBe(204);
  });
});
