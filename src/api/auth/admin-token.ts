// The admin token guards /api/admin/**. Compared in constant time over SHA-256 digests, which also hides the
// token's length from timing.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** False when no admin token is configured: admin routes are then closed, never open. */
export function isAdminToken(presented: string, configured: string | undefined): boolean {
  if (!configured) return false;
  return timingSafeEqual(digest(presented), digest(configured));
}
