// LocalMediaStore on its own: streaming save with hash and size, ranges, and keys that cannot leave the root.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { text } from 'node:stream/consumers';
import { InvalidStorageKeyError, LocalMediaStore, MediaTooLargeError } from '../../src/storage/local-media-store.js';

let root: string;
let store: LocalMediaStore;
const owner = '3f0e7c4e-8a57-4c0f-9d2b-8e1f1c2d3a4b';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'herald-store-'));
  store = new LocalMediaStore(root);
});
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

const listFiles = async () => (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);

/** A source producing `chunks` chunks of `size` bytes lazily, the way a network upload arrives. */
function generated(chunks: number, size: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      this.push(i++ < chunks ? Buffer.alloc(size, i % 251) : null);
    },
  });
}

describe('LocalMediaStore', () => {
  test('saves a stream, reporting size and SHA-256, and reads it back whole or by inclusive range', async () => {
    const saved = await store.save(owner, Readable.from([Buffer.from('hello '), Buffer.from('world')]), { maxBytes: 100 });
    expect(saved.storageKey).toMatch(new RegExp(`^${owner}/[0-9a-f-]{36}$`));
    expect(saved.sizeBytes).toBe(11);
    expect(saved.sha256).toBe(createHash('sha256').update('hello world').digest('hex'));
    expect(await text(store.open(saved.storageKey))).toBe('hello world');
    expect(await text(store.open(saved.storageKey, { start: 6, end: 10 }))).toBe('world');
    expect(await store.stat(saved.storageKey)).toMatchObject({ sizeBytes: 11 });
    await store.remove(saved.storageKey);
    await expect(store.stat(saved.storageKey)).rejects.toThrow(/ENOENT/);
    await store.remove(saved.storageKey); // already gone: fine
  });

  test('streams a large upload through without holding it (20 MiB in 64 KiB chunks)', async () => {
    const saved = await store.save(owner, generated(320, 64 * 1024), { maxBytes: 32 * 1024 * 1024 });
    expect(saved.sizeBytes).toBe(20 * 1024 * 1024);
    await store.remove(saved.storageKey);
  });

  test('an upload over maxBytes fails with MediaTooLargeError and leaves no file, partial or final', async () => {
    const before = await listFiles();
    await expect(store.save(owner, generated(10, 1000), { maxBytes: 5000 })).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(await listFiles()).toEqual(before);
  });

  test('a failing inspection stage aborts the save and leaves no file', async () => {
    const before = await listFiles();
    const reject = new Transform({ transform(_chunk, _enc, done) { done(new Error('not allowed')); } });
    await expect(store.save(owner, Readable.from([Buffer.from('x')]), { maxBytes: 10, inspect: [reject] })).rejects.toThrow('not allowed');
    expect(await listFiles()).toEqual(before);
  });

  test('a source that errors midway leaves no file', async () => {
    const before = await listFiles();
    let n = 0;
    const broken = new Readable({ read() { if (n++ < 3) this.push(Buffer.alloc(100)); else this.destroy(new Error('client went away')); } });
    await expect(store.save(owner, broken, { maxBytes: 10_000 })).rejects.toThrow('client went away');
    expect(await listFiles()).toEqual(before);
  });

  test('keys that could leave the root directory are refused before touching the disk', async () => {
    await writeFile(join(root, 'outside.txt'), 'secret');
    for (const key of ['../outside.txt', `${owner}/../../etc/passwd`, '/etc/passwd', 'outside.txt', `${owner}/a/b`, `${owner}/..`, `..%2f/x`, `${owner}/.hidden`, '']) {
      expect(() => store.open(key), key).toThrow(InvalidStorageKeyError);
      await expect(store.stat(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(store.remove(key), key).rejects.toBeInstanceOf(InvalidStorageKeyError);
    }
    await expect(store.save('../escape', Readable.from(['x']), { maxBytes: 10 })).rejects.toBeInstanceOf(InvalidStorageKeyError);
  });

  test('a range with end before start is refused', () => {
    expect(() => store.open(`${owner}/00000000-0000-0000-0000-000000000000`, { start: 5, end: 2 })).toThrow(RangeError);
  });
});
