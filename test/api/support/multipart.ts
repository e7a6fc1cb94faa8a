// Builds a multipart/form-data body for app.inject (one part per entry).
import { randomBytes } from 'node:crypto';

export interface FormPart {
  name: string;
  value: Buffer | string;
  filename?: string;
  contentType?: string;
}

export function multipart(parts: FormPart[]): { payload: Buffer; headers: { 'content-type': string } } {
  const boundary = `----herald-${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.contentType ? `Content-Type: ${p.contentType}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head), Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Files that start with the magic bytes of their type, padded to `size`. */
export const sampleFiles = {
  png: (size = 64) => pad(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), size),
  jpeg: (size = 64) => pad(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), size),
  webp: (size = 64) => pad(Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0, 0, 0]), Buffer.from('WEBPVP8 ')]), size),
  mp4: (size = 64) => pad(Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom')]), size),
  webm: (size = 64) => pad(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), size),
};

function pad(head: Buffer, size: number): Buffer {
  return Buffer.concat([head, randomBytes(Math.max(0, size - head.length))]);
}
