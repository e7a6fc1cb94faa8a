// The three ways out of the composer. Schedule: the post is saved with its time (create or PUT with localTime).
// Publish now: saved without a time (a draft), then POST /publish. Save draft: saved without a time. A post created
// here and then refused at /publish is kept: the next try edits it instead of creating a second one.
import { useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError, type ApiIssue } from '../../api/client';
import type { Post } from '../../api/types';
import { postBody, type Draft } from './draft';

/** 128 random bits as hex (crypto.randomUUID exists only in secure contexts; a LAN http deployment is not one). */
const randomKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

export type SubmitAction = 'schedule' | 'publish' | 'draft';

export interface SubmitState {
  submit(action: SubmitAction): Promise<void>;
  /** The action running now, if any. */
  running: SubmitAction | null;
  /** The refused save's issues, with the draft (as JSON) they were raised for. */
  refused: { draftKey: string; issues: ApiIssue[] } | null;
  /** A failure that names no field (a conflict, the network): shown above the form. */
  failure: unknown;
}

export function useSubmitPost(draft: Draft, draftKey: string, existingId: string | undefined, onRefused: (issues: ApiIssue[]) => void): SubmitState {
  const navigate = useNavigate();
  const [running, setRunning] = useState<SubmitAction | null>(null);
  const [refused, setRefused] = useState<SubmitState['refused']>(null);
  const [failure, setFailure] = useState<unknown>(undefined);
  const [createdId, setCreatedId] = useState<string | undefined>(undefined);
  // One Idempotency-Key per draft content: a create whose answer was lost, sent again unchanged, yields the same
  // post instead of a second one; an edited draft is a new request with a new key.
  const createKey = useRef<{ draftKey: string; key: string } | null>(null);
  const idempotencyKeyFor = (key: string) => {
    if (createKey.current?.draftKey !== key) createKey.current = { draftKey: key, key: randomKey() };
    return createKey.current.key;
  };

  const refuse = (issues: ApiIssue[]) => {
    setRefused({ draftKey, issues });
    onRefused(issues);
  };

  const submit = async (action: SubmitAction) => {
    setFailure(undefined);
    setRefused(null);
    if (action === 'schedule' && !draft.when.localTime) {
      refuse([{ field: 'localTime', rule: 'required', message: 'Choose the date and time to publish at, then Schedule.' }]);
      return;
    }
    setRunning(action);
    try {
      const body = postBody(draft, action === 'schedule');
      const id = existingId ?? createdId;
      const post = id
        ? await api<Post>(`/api/social/posts/${id}`, { method: 'PUT', body })
        : await api<Post>('/api/social/posts', { method: 'POST', body, idempotencyKey: idempotencyKeyFor(`${action}:${draftKey}`) });
      setCreatedId(post.id);
      if (action === 'publish') await api<Post>(`/api/social/posts/${post.id}/publish`, { method: 'POST' });
      navigate(`/posts/${post.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.issues.length > 0) refuse(err.issues);
      else setFailure(err);
    } finally {
      setRunning(null);
    }
  };

  return { submit, running, refused, failure };
}
