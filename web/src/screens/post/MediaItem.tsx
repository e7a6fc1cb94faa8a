// One media item of a post: an uploaded file with its preview, name and type, or a URL as a link.
import type { Media, MediaRef } from '../../api/types';
import { useApi } from '../../components/useApi';
import { StoredMediaPreview } from '../../components/StoredMediaPreview';

export function MediaItem({ media }: { media: MediaRef }) {
  const { data, error } = useApi<Media>(media.mediaId ? `/api/social/media/${media.mediaId}` : null);
  if (media.url) return <li><a href={media.url} target="_blank" rel="noreferrer">{media.url}</a></li>;
  if (error !== undefined) return <li className="muted">Uploaded file {media.mediaId} (its details could not be loaded)</li>;
  if (!data) return <li className="muted">Uploaded file {media.mediaId}</li>;
  const name = data.originalName ?? data.id;
  return (
    <li className="post-media-item">
      <StoredMediaPreview mediaId={data.id} contentType={data.contentType} name={name} />
      <span>{name} <span className="muted">({data.contentType}, {Math.ceil(data.sizeBytes / 1024)} KB)</span></span>
    </li>
  );
}
