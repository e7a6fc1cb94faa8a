// Binary request bodies (uploads of up to gigabytes) are never buffered: the frame hands handlers this pass-through
// stream as `request.body`, which counts the bytes flowing through so the recorder can report `{ bytes: n }`.
import { PassThrough, pipeline, type Readable } from 'node:stream';

export class CountingBody extends PassThrough {
  bytes = 0;
  /** Set by a `cut_body` fault: once this many bytes went through, the connection is cut (`cut` destroys it). */
  private cutAt: { bytes: number; cut: () => void } | undefined;
  /** After a cut nothing more reaches the handler or the count (the socket is going away). */
  private isCut = false;

  cutAfter(bytes: number, cut: () => void): void {
    this.cutAt = { bytes, cut };
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    if (this.isCut) {
      callback();
      return;
    }
    const cutAt = this.cutAt;
    if (cutAt && this.bytes + chunk.length >= cutAt.bytes) {
      this.isCut = true;
      // What arrived before the cut still reaches the handler (a platform keeps the bytes it received), then the
      // stream fails the way a dropped connection does and the socket is destroyed under the client.
      const kept = chunk.subarray(0, Math.max(0, cutAt.bytes - this.bytes));
      this.cutAt = undefined;
      this.bytes += kept.length;
      if (kept.length > 0) this.push(kept);
      setImmediate(() => {
        this.destroy(new Error('connection cut by a sandbox fault'));
        cutAt.cut();
      });
      callback();
      return;
    }
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
