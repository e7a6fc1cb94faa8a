// A preview of a file already uploaded to Herald, read back from GET /api/social/media/:id/content (same origin,
// the session cookie authenticates it).
import { apiUrl } from '../api/client';

export function StoredMediaPreview({ mediaId, contentType, name }: { mediaId: string; contentType: string; name: string }) {
  const src = apiUrl(`/api/social/media/${mediaId}/content`);
  if (contentType.startsWith('video/')) return <video src={src} muted controls preload="metadata" aria-label={`Preview of ${name}`} />;
  return <img src={src} alt={`Preview of ${name}`} loading="lazy" />;
}
