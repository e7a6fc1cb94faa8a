// Uploads the files the user picks (POST /api/social/media, one request per file, with progress) into the draft's
// media list; removing an item cancels its upload; each item's alt text is kept with it. The preview is an object URL of the local file, released with it.
import { useCallback, useEffect, useRef, type Dispatch, type SetStateAction } from 'react';
import { ApiError, upload } from '../../api/client';
import type { Media } from '../../api/types';
import type { DraftMedia } from './draft';

export interface MediaUploads {
  add(files: Iterable<File>): void;
  remove(key: string): void;
  setAlt(key: string, alt: string): void;
}

let nextKey = 0;

export function useMediaUploads(setMedia: Dispatch<SetStateAction<DraftMedia[]>>): MediaUploads {
  const running = useRef(new Map<string, AbortController>());
  const previews = useRef(new Set<string>());

  useEffect(() => () => {
    for (const controller of running.current.values()) controller.abort();
    for (const url of previews.current) URL.revokeObjectURL(url);
  }, []);

  const update = useCallback((key: string, change: Partial<DraftMedia>) => {
    setMedia((items) => items.map((m) => (m.key === key ? { ...m, ...change } : m)));
  }, [setMedia]);

  const add = useCallback((files: Iterable<File>) => {
    for (const file of files) {
      const key = `upload-${++nextKey}`;
      const previewUrl = URL.createObjectURL(file);
      previews.current.add(previewUrl);
      const controller = new AbortController();
      running.current.set(key, controller);
      setMedia((items) => [...items, {
        key, ref: null, name: file.name, previewUrl, contentType: file.type || null, progress: 0, state: 'uploading', error: null, alt: '',
      }]);
      upload<Media>('/api/social/media', file, (progress) => update(key, { progress }), controller.signal)
        .then((media) => update(key, { ref: { mediaId: media.id }, contentType: media.contentType, progress: 1, state: 'done' }))
        .catch((err: unknown) => {
          if (controller.signal.aborted) return;
          const message = err instanceof ApiError ? (err.issues[0]?.message ?? err.message) : String(err);
          update(key, { state: 'failed', error: message });
        })
        .finally(() => running.current.delete(key));
    }
  }, [setMedia, update]);

  const remove = useCallback((key: string) => {
    running.current.get(key)?.abort();
    setMedia((items) => {
      const item = items.find((m) => m.key === key);
      if (item?.previewUrl && previews.current.has(item.previewUrl)) {
        URL.revokeObjectURL(item.previewUrl);
        previews.current.delete(item.previewUrl);
      }
      return items.filter((m) => m.key !== key);
    });
  }, [setMedia]);

  const setAlt = useCallback((key: string, alt: string) => update(key, { alt }), [update]);

  return { add, remove, setAlt };
}
