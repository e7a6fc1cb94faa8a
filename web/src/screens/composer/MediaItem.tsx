// One media item of the post: preview (the local file, or the stored one), upload progress, its alt text, the API's
// messages about it, and removal.
import { useApi } from '../../components/useApi';
import type { Media } from '../../api/types';
import type { DraftMedia } from './draft';
import { StoredMediaPreview } from '../../components/StoredMediaPreview';
import { describedBy, IssueMessages } from './IssueMessages';
import { inputId, slot, type IssueSlots } from './issue-placement';

function Preview({ item }: { item: DraftMedia }) {
  if (!item.previewUrl && item.ref?.mediaId) return <StoredPreview mediaId={item.ref.mediaId} />;
  if (!item.previewUrl) return <span className="composer-media-none" aria-hidden="true">No preview</span>;
  if (item.contentType?.startsWith('video/')) return <video src={item.previewUrl} muted controls aria-label={`Preview of ${item.name}`} />;
  return <img src={item.previewUrl} alt={`Preview of ${item.name}`} />;
}

/** For media the post already had: the stored file itself. */
function StoredPreview({ mediaId }: { mediaId: string }) {
  const { data } = useApi<Media>(`/api/social/media/${mediaId}`);
  if (!data) return <span className="composer-media-none" aria-hidden="true">Loading preview…</span>;
  return <StoredMediaPreview mediaId={mediaId} contentType={data.contentType} name={data.originalName ?? 'uploaded file'} />;
}

/** For media the post already had: its file name and type. */
function StoredMediaName({ mediaId }: { mediaId: string }) {
  const { data } = useApi<Media>(`/api/social/media/${mediaId}`);
  if (!data) return null;
  return <span className="muted">{data.originalName ?? 'Uploaded file'} ({data.contentType})</span>;
}

export function MediaItem({ item, onRemove, onAltChange, issues }: { item: DraftMedia; onRemove(): void; onAltChange(alt: string): void; issues: IssueSlots }) {
  const id = inputId.mediaItem(item.key);
  const errorsId = `${id}-errors`;
  const placed = issues.get(slot.mediaItem(item.key));
  return (
    <li className={`composer-media-item ${item.state}`}>
      <div className="composer-media-preview"><Preview item={item} /></div>
      <div className="composer-media-info">
        <span className="composer-media-name">{item.ref?.mediaId && !item.previewUrl ? <StoredMediaName mediaId={item.ref.mediaId} /> : item.name}</span>
        {item.state === 'uploading' && (
          <progress max={1} value={item.progress} aria-label={`Uploading ${item.name}`}>{Math.round(item.progress * 100)}%</progress>
        )}
        {item.state === 'done' && <span className="muted">Uploaded</span>}
        {item.state === 'failed' && <p className="field-error">Upload failed: {item.error}</p>}
        <label htmlFor={`${id}-alt`}>Alt text</label>
        <input
          id={`${id}-alt`} type="text" value={item.alt} maxLength={2000} onChange={(e) => onAltChange(e.target.value)}
          aria-describedby={`${id}-alt-hint`}
        />
        <span id={`${id}-alt-hint`} className="muted">Describes {item.name} for people who cannot see it; sent to platforms that take it</span>
        <IssueMessages id={errorsId} issues={placed} />
        <button type="button" id={id} onClick={onRemove} aria-label={`Remove ${item.name}`} aria-describedby={describedBy(errorsId, placed)}>
          {item.state === 'uploading' ? 'Cancel' : 'Remove'}
        </button>
      </div>
    </li>
  );
}
