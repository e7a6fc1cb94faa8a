// One media item of a post: an uploaded file by its name and type (GET /api/social/media/:id), or a URL as a link.
import type { Media, MediaRef } from '../../api/types';
import { useApi } from '../../components/useApi';

export function MediaItem({ media }: { media: MediaRef }) {
  const { data, error } = useApi<Media>(media.mediaId ? `/api/social/media/${media.mediaId}` : null);
  if (media.url) return <li><a href={media.url} target="_blank" rel="noreferrer">{media.url}</a></li>;
  if (error !== undefined) return <li className="muted">Uploaded file {media.mediaId} (its details could not be loaded)</li>;
  if (!data) return <li className="muted">Uploaded file {media.mediaId}</li>;
  return <li>{data.originalName ?? data.id} <span className="muted">({data.contentType}, {Math.ceil(data.sizeBytes / 1024)} KB)</span></li>;
}
