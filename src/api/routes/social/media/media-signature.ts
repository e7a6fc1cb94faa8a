// Checks an upload's first bytes against its type, so a file labelled image/png really is a PNG before any
// platform sees it. When the client did not say what the file is (the generic application/octet-stream that
// `curl -F file=@clip.mp4` sends), the type is recognised from the same bytes instead. Runs on the stream as it is saved: nothing is buffered beyond the first 12 bytes, and a mismatch
// aborts the save.
import { Transform, type TransformCallback } from 'node:stream';

const ascii = (h: Buffer, start: number, end: number) => h.subarray(start, end).toString('latin1');

/** Magic numbers by type. A type missing here (e.g. one added to MEDIA_ALLOWED_TYPES later) is not checked. */
const signatures: Record<string, (head: Buffer) => boolean> = {
  // ISO base media (MP4, QuickTime): a box of type `ftyp` at offset 4.
  'video/mp4': (h) => ascii(h, 4, 8) === 'ftyp',
  'video/quicktime': (h) => ascii(h, 4, 8) === 'ftyp',
  // Matroska/WebM: the EBML header id.
  'video/webm': (h) => h.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])),
  'image/jpeg': (h) => h.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])),
  'image/png': (h) => h.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])),
  'image/webp': (h) => ascii(h, 0, 4) === 'RIFF' && ascii(h, 8, 12) === 'WEBP',
  'image/gif': (h) => ascii(h, 0, 4) === 'GIF8',
};

const HEAD_BYTES = 12;

export class ContentMismatchError extends Error {
  override readonly name = 'ContentMismatchError';
  constructor(readonly declaredType: string) {
    super(`the file's content is not ${declaredType}`);
  }
}

export class UnrecognizedContentError extends Error {
  override readonly name = 'UnrecognizedContentError';
  constructor(readonly candidates: readonly string[]) {
    super(`the file is none of ${candidates.join(', ')}`);
  }
}

export function matchesSignature(contentType: string, head: Buffer): boolean {
  const check = signatures[contentType];
  return check ? check(head) : true;
}

/**
 * The type among `candidates` that the bytes are, preferring `hint` (e.g. the type the file name suggests).
 * MP4 and QuickTime share a container; QuickTime says so with the `qt  ` brand.
 */
export function detectContentType(head: Buffer, candidates: readonly string[], hint?: string): string | undefined {
  const known = candidates.filter((type) => signatures[type]?.(head));
  if (hint && known.includes(hint)) return hint;
  if (known.includes('video/quicktime') && ascii(head, 8, 12) === 'qt  ') return 'video/quicktime';
  return known.find((type) => type !== 'video/quicktime') ?? known[0];
}

export type ExpectedContent = { declared: string } | { candidates: readonly string[]; hint?: string | undefined };

/** Passes bytes through once the first 12 have been checked; `detected` holds the type once known. */
export class SignatureCheck extends Transform {
  detected: string | undefined;
  private head: Buffer | undefined = Buffer.alloc(0);

  constructor(private readonly expected: ExpectedContent) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (!this.head) {
      done(null, chunk);
      return;
    }
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < HEAD_BYTES) {
      done();
      return;
    }
    this.release(done);
  }

  override _flush(done: TransformCallback): void {
    // A file shorter than the header: judge what there is.
    if (this.head) this.release(done);
    else done();
  }

  private release(done: TransformCallback): void {
    const head = this.head!;
    this.head = undefined;
    if ('declared' in this.expected) {
      if (!matchesSignature(this.expected.declared, head)) {
        done(new ContentMismatchError(this.expected.declared));
        return;
      }
      this.detected = this.expected.declared;
    } else {
      this.detected = detectContentType(head, this.expected.candidates, this.expected.hint);
      if (!this.detected) {
        done(new UnrecognizedContentError(this.expected.candidates));
        return;
      }
    }
    done(null, head);
  }
}
