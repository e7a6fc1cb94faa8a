// The media types of the draft, for the Check: an upload made here knows its type; a file the post already had is
// asked of GET /api/social/media/:id. A media URL (fetched by the platforms) has no type Herald knows: left out.
import { api } from '../../api/client';
import type { Media } from '../../api/types';
import type { DraftMedia } from './draft';

export async function mediaTypes(media: readonly DraftMedia[], signal?: AbortSignal): Promise<{ contentType: string }[]> {
  const done = media.filter((m) => m.state === 'done' && m.ref);
  const types = await Promise.all(done.map(async (m) => {
    if (m.contentType) return m.contentType;
    if (!m.ref?.mediaId) return null;
    return api<Media>(`/api/social/media/${m.ref.mediaId}`, signal ? { signal } : {}).then((found) => found.contentType, () => null);
  }));
  return types.flatMap((contentType) => (contentType ? [{ contentType }] : []));
}
