// What a broken multipart upload means for the client. The boundary is checked on the Content-Type before parsing;
// the parser (busboy, through @fastify/multipart) reports a body cut short as a plain error, which would otherwise
// leave as a 500. Both are the client's mistakes and become 400s naming the rule.
import { ApiError, invalid } from '../../../errors.js';

const truncatedErrors = [/unexpected end of multipart data/i, /terminated early due to unexpected end/i];

/** RFC 2046: 1 to 70 characters, quoted or not. */
const BOUNDARY = /;\s*boundary=(?:"([^"]{1,70})"|([^";\s]{1,70}))\s*(?:;|$)/i;

/** The 400 for a multipart Content-Type whose boundary is missing, empty or too long; undefined when it is usable. */
export function boundaryFailure(contentType: string | undefined): ApiError | undefined {
  if (BOUNDARY.test(contentType ?? '')) return undefined;
  return invalid('body', 'multipart_boundary_missing', 'the Content-Type multipart/form-data needs a boundary parameter of 1 to 70 characters, e.g. `; boundary=xyz`');
}

/** The 400 for an error the multipart parser raised, or undefined when `err` is not one of its framing errors. */
export function multipartFailure(err: unknown): ApiError | undefined {
  if (!(err instanceof Error) || err instanceof ApiError) return undefined;
  const { message } = err;
  if (truncatedErrors.some((p) => p.test(message))) {
    return invalid('body', 'multipart_truncated', 'the multipart body ended before its closing boundary');
  }
  if ((err as { code?: unknown }).code === 'FST_FILES_LIMIT') return oneFilePerUpload();
  return undefined;
}

export const oneFilePerUpload = () => invalid('file', 'one_file_per_upload', 'send one file per upload; this request has more than one');
