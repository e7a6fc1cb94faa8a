// The post's media: a file input (also a drop zone) and the items picked so far, in the order they are posted.
import { useState, type DragEvent } from 'react';
import type { DraftMedia } from './draft';
import { describedBy, IssueMessages } from './IssueMessages';
import { inputId, slot, type IssueSlots } from './issue-placement';
import { MediaItem } from './MediaItem';
import type { MediaUploads } from './useMediaUploads';

export function MediaSection({ media, uploads, issues }: { media: readonly DraftMedia[]; uploads: MediaUploads; issues: IssueSlots }) {
  const [dragging, setDragging] = useState(false);
  const errorsId = `${inputId.mediaInput}-errors`;
  const placed = issues.get(slot.media);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    uploads.add(e.dataTransfer.files);
  };

  return (
    <section className="composer-section" aria-labelledby="composer-media-heading">
      <h2 id="composer-media-heading">Media</h2>
      <div
        className={dragging ? 'composer-dropzone dragging' : 'composer-dropzone'}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label htmlFor={inputId.mediaInput}>Add images or videos</label>
        <p className="muted composer-hint" id={`${inputId.mediaInput}-hint`}>Choose files, or drop them here.</p>
        <input
          id={inputId.mediaInput} data-testid="media-input" type="file" multiple accept="image/*,video/*"
          onChange={(e) => {
            if (e.target.files) uploads.add(e.target.files);
            e.target.value = '';
          }}
          aria-describedby={describedBy(errorsId, placed, `${inputId.mediaInput}-hint`)}
        />
      </div>
      <IssueMessages id={errorsId} issues={placed} />
      {media.length > 0 && (
        <ul className="composer-media" aria-label="Media of the post">
          {media.map((item) => <MediaItem key={item.key} item={item} onRemove={() => uploads.remove(item.key)} onAltChange={(alt) => uploads.setAlt(item.key, alt)} issues={issues} />)}
        </ul>
      )}
    </section>
  );
}
