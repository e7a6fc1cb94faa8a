// The live check of the draft: ~300 ms after the last change the draft goes to POST /api/social/posts/validate,
// which answers each target's text length and hashtag count against its platform's limits and every issue the
// create route would raise. A newer draft aborts the check of an older one.
import { useEffect, useState } from 'react';
import { api, ApiError, type ApiIssue } from '../../api/client';
import type { DraftValidation, ValidationTarget } from '../../api/types';
import type { PostBody } from './draft';

export interface LiveCheck {
  issues: ApiIssue[];
  targets: ValidationTarget[];
  checking: boolean;
  /** The check itself failed (not the draft): the counters are stale. */
  error: unknown;
}

const DEBOUNCE_MS = 300;

export function useDraftValidation(body: PostBody, enabled: boolean): LiveCheck {
  const [state, setState] = useState<LiveCheck>({ issues: [], targets: [], checking: false, error: undefined });
  const key = JSON.stringify(body);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, checking: true }));
    const timer = setTimeout(() => {
      api<DraftValidation>('/api/social/posts/validate', { method: 'POST', body: JSON.parse(key) as PostBody, signal: controller.signal })
        .then((answer) => setState({ issues: answer.issues, targets: answer.targets, checking: false, error: undefined }))
        .catch((err: unknown) => {
          if (controller.signal.aborted) return;
          // A shape error (a 400 with details) is an answer about the draft like any other.
          if (err instanceof ApiError && err.status === 400 && err.issues.length > 0) {
            setState((s) => ({ issues: err.issues, targets: s.targets, checking: false, error: undefined }));
          } else {
            setState((s) => ({ ...s, checking: false, error: err }));
          }
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, enabled]);

  return state;
}
