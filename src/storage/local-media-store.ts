// Uploaded media on the local disk, shared by the API (writes) and the worker (reads, in ranges for chunked
// uploads). Files are streamed both ways and never held in memory. A storage key is `<userId>/<uuid>`; keys are
// checked against that shape before touching the disk, so no key (from the database or a request) can point
// outside the root directory.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The upload went over `maxBytes`; nothing was kept. */
export class MediaTooLargeError extends Error {
  override readonly name = 'MediaTooLargeError';
  constructor(readonly maxBytes: number) {
    super(`file is larger than ${maxBytes} bytes`);
  }
}

/** A storage key or owner id that is not of the shape this store issues. */
export class InvalidStorageKeyError extends Error {
  override readonly name = 'InvalidStorageKeyError';
}

export interface SavedMedia {
  storageKey: string;
  sizeBytes: number;
  /** Hex SHA-256 of the stored bytes. */
  sha256: string;
}

export interface SaveOptions {
  maxBytes: number;
  /**
   * Extra stages the bytes pass through before reaching the disk (e.g. a content check). A stage that fails aborts
   * the save like a too-large file does: the partial file is removed and the stage's error is thrown.
   */
  inspect?: Transform[];
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Counts and hashes the bytes going through, failing as soon as there are more than `maxBytes`. */
class MeasuringStream extends Transform {
  sizeBytes = 0;
  private readonly hash = createHash('sha256');

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.sizeBytes += chunk.length;
    if (this.sizeBytes > this.maxBytes) {
      done(new MediaTooLargeError(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

export class LocalMediaStore {
  private readonly root: string;

  constructor(rootDir: string) {
    this.root = resolve(rootDir);
  }

  /**
   * Streams `source` to a new file owned by `userId`. The bytes land in a `.part` file that is renamed once complete,
   * so a reader never sees half a file; on any failure (too large, inspection failed, client went away) the partial
   * file is deleted before the error is rethrown.
   */
  async save(userId: string, source: Readable, opts: SaveOptions): Promise<SavedMedia> {
    if (!SEGMENT.test(userId)) throw new InvalidStorageKeyError('invalid owner id');
    const storageKey = `${userId}/${randomUUID()}`;
    const finalPath = this.pathOf(storageKey);
    const partPath = `${finalPath}.part`;
    await mkdir(join(this.root, userId), { recursive: true });

    const measure = new MeasuringStream(opts.maxBytes);
    const out = createWriteStream(partPath, { flags: 'wx' });
    try {
      await pipeline([source, ...(opts.inspect ?? []), measure, out]);
      await rename(partPath, finalPath);
    } catch (err) {
      // The file is opened asynchronously: a source failing at once (a request cut short) can destroy the stream
      // before its open completes, and the open would then create the file after the removal below.
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
      await rm(partPath, { force: true });
      throw err;
    }
    return { storageKey, sizeBytes: measure.sizeBytes, sha256: measure.digest() };
  }

  /** Reads the file, or the inclusive byte range `start..end` of it. */
  open(storageKey: string, range?: { start: number; end: number }): Readable {
    const path = this.pathOf(storageKey);
    if (range && (range.start < 0 || range.end < range.start)) throw new RangeError(`invalid range ${range.start}-${range.end}`);
    return createReadStream(path, range ? { start: range.start, end: range.end } : {});
  }

  async stat(storageKey: string): Promise<{ sizeBytes: number; modifiedAt: Date }> {
    const s = await stat(this.pathOf(storageKey));
    return { sizeBytes: s.size, modifiedAt: s.mtime };
  }

  /** Deletes the file; a file already gone is not an error. */
  async remove(storageKey: string): Promise<void> {
    await rm(this.pathOf(storageKey), { force: true });
  }

  /** The absolute path of a key, after checking the key is one this store could have issued. */
  private pathOf(storageKey: string): string {
    const segments = storageKey.split('/');
    if (segments.length !== 2 || !segments.every((s) => SEGMENT.test(s))) {
      throw new InvalidStorageKeyError('invalid storage key');
    }
    const path = resolve(this.root, ...segments);
    // Belt and braces: the segment pattern already excludes `..`, separators and absolute paths.
    if (!path.startsWith(this.root + sep)) throw new InvalidStorageKeyError('invalid storage key');
    return path;
  }
}
