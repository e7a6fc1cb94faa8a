// Opaque page cursors for keyset pagination (posts, comments): base64url of the last row's sort key and id.
// Decoding checks both strictly, so a tampered cursor is a 400, never a database error.

export interface PageKey {
  /** `YYYY-MM-DDTHH:mm:ss.ffffffZ`: a timestamp at Postgres's full (microsecond) precision. */
  sortKey: string;
  id: string;
}

const SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const encodeCursor = (key: PageKey) => Buffer.from(JSON.stringify([key.sortKey, key.id]), 'utf8').toString('base64url');

export function decodeCursor(cursor: string): PageKey | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [sortKey, id] = parsed as unknown[];
  if (typeof sortKey !== 'string' || typeof id !== 'string') return undefined;
  if (!SORT_KEY.test(sortKey) || Number.isNaN(Date.parse(sortKey)) || !UUID.test(id)) return undefined;
  return { sortKey, id };
}
