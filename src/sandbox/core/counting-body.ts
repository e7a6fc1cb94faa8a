// Binary request bodies (uploads of up to gigabytes) are never buffered: the frame hands handlers this pass-through
// stream as `request.body`, which counts the bytes flowing through so the recorder can report `{ bytes: n }`.
import { PassThrough, pipeline, type Readable } from 'node:stream';

export class CountingBody extends PassThrough {
  bytes = 0;

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** Discards whatever the handler did not read, so a keep-alive connection is not left waiting on a body. */
  drain(): void {
    if (!this.readableEnded && !this.destroyed) this.resume();
  }
}

export function countingBody(source: Readable): CountingBody {
  const body = new CountingBody();
  // pipeline forwards a client abort as an error on `body`, so a handler reading it sees the chunk was cut short.
  pipeline(source, body, () => undefined);
  return body;
}
