// One chunk of a chunked upload (testbed, TikTok), read the way both simulated platforms treat it: all or nothing.
// The bytes go into a copy of the upload's running hash, so a chunk cut short changes nothing; `inFlightBytes`
// shows the chunk's progress meanwhile, and `busy` keeps a second chunk of the same upload out.
import type { Hash } from 'node:crypto';
import type { CountingBody } from './counting-body.js';

export interface ChunkedUpload {
  hash: Hash;
  busy: boolean;
  inFlightBytes: number;
}

export type ChunkRead = { complete: true; hash: Hash; received: number } | { complete: false };

export async function receiveChunk(body: CountingBody, upload: ChunkedUpload): Promise<ChunkRead> {
  upload.busy = true;
  const hash = upload.hash.copy();
  let received = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      received += chunk.length;
      upload.inFlightBytes = received;
      hash.update(chunk);
    }
    return { complete: true, hash, received };
  } catch {
    // The client went away mid-chunk: nothing of this chunk counts.
    return { complete: false };
  } finally {
    upload.busy = false;
    upload.inFlightBytes = 0;
  }
}
