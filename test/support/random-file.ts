// A file of random bytes on disk with its digest, served as a MediaSource the way the publish activity serves an
// upload (streamed, byte ranges inclusive): for provider suites that upload without the API in between.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaSource } from '../../src/platforms/provider.js';

export interface RandomFile {
  path: string;
  sha256: string;
  size: number;
  media(contentType?: string): MediaSource;
  remove(): Promise<void>;
}

export async function writeRandomFile(size: number, name = 'clip.mp4'): Promise<RandomFile> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-file-'));
  const path = join(dir, name);
  const data = randomBytes(size);
  await writeFile(path, data);
  return {
    path, size,
    sha256: createHash('sha256').update(data).digest('hex'),
    media: (contentType = 'video/mp4') => ({
      contentType, sizeBytes: size, open: (range) => createReadStream(path, range ? { start: range.start, end: range.end } : {}),
    }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
