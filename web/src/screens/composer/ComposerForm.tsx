// The composer itself: the draft's state, its live check by the API, and the actions. Every issue the API raises
// (live or on saving) is shown next to the input it names; a refused save moves focus to the first of them.
import { useCallback, useMemo, useState, type Dispatch, type SetStateAction } from 'react';
import type { ApiIssue } from '../../api/client';
import type { PostStatus } from '../../api/types';
import { ErrorState } from '../../components/States';
import { AccountPicker } from './AccountPicker';
import { postBody, type Draft, type DraftMedia, type DraftTarget } from './draft';
import { HashtagInput } from './HashtagInput';
import { IssueMessages } from './IssueMessages';
import { placeIssues } from './issue-placement';
import { focusIssue } from './focus-issue';
import { MediaSection } from './MediaSection';
import { TargetPanel } from './TargetPanel';
import { TextSection } from './TextSection';
import { useDraftValidation } from './useDraftValidation';
import { useMediaUploads } from './useMediaUploads';
import { useSubmitPost, type SubmitAction } from './useSubmitPost';
import { WhenSection } from './WhenSection';
import { WritingHelp } from './WritingHelp';

export function ComposerForm({ initial, postId, status }: {
  initial: Draft;
  /** The post being edited; undefined for a new one. */
  postId: string | undefined;
  /**
   * The status of the post being edited. Saving without a time keeps a scheduled post scheduled (so it has no
   * "Save draft") and a cancelled one cancelled.
   */
  status: PostStatus | undefined;
}) {
  const [draft, setDraft] = useState<Draft>(initial);
  const setMedia: Dispatch<SetStateAction<DraftMedia[]>> = useCallback(
    (update) => setDraft((d) => ({ ...d, media: typeof update === 'function' ? update(d.media) : update })),
    [],
  );
  const uploads = useMediaUploads(setMedia);

  const liveBody = useMemo(() => postBody(draft, true), [draft]);
  const draftKey = JSON.stringify(liveBody);
  const live = useDraftValidation(liveBody, true);

  const onRefused = useCallback((issues: ApiIssue[]) => {
    // After this render, where the issues are shown: focus the first.
    requestAnimationFrame(() => focusIssue(placeIssues(issues, draft).order[0]?.focusId));
  }, [draft]);
  const submitter = useSubmitPost(draft, draftKey, postId, onRefused);

  // A refused save's issues stand until the draft changes; then the live check speaks again. A new post untouched
  // yet is not scolded (no account chosen, no text): its live issues show from the first change.
  const [initialKey] = useState(draftKey);
  const pristine = postId === undefined && draftKey === initialKey;
  const issues = submitter.refused && submitter.refused.draftKey === draftKey ? submitter.refused.issues : pristine ? [] : live.issues;
  const { slots } = useMemo(() => placeIssues(issues, draft), [issues, draft]);
  const askFold = issues.some((i) => i.rule === 'ambiguous_local_time');

  const setTarget = (target: DraftTarget) =>
    setDraft((d) => ({ ...d, targets: d.targets.map((t) => (t.accountId === target.accountId ? target : t)) }));
  const toggleAccount = (accountId: string, chosen: boolean) =>
    setDraft((d) => ({
      ...d,
      targets: chosen
        ? [...d.targets.filter((t) => t.accountId !== accountId), { accountId, text: null, options: {} }]
        : d.targets.filter((t) => t.accountId !== accountId),
    }));

  const uploading = draft.media.some((m) => m.state === 'uploading');
  const busy = submitter.running !== null || uploading;
  const act = (action: SubmitAction) => () => void submitter.submit(action);
  const label = (action: SubmitAction, idle: string, working: string) => (submitter.running === action ? working : idle);

  return (
    <form className="composer" onSubmit={(e) => e.preventDefault()} noValidate>
      {submitter.failure !== undefined && <ErrorState error={submitter.failure} />}
      <IssueMessages id="composer-general-errors" issues={slots.get('general')} />
      {live.error !== undefined && (
        <p className="composer-live-error" role="status">The live check is unavailable right now; saving still checks everything.</p>
      )}
      <div className="composer-columns">
        <div className="composer-main">
          <TextSection
            content={draft.content} onChange={(content) => setDraft((d) => ({ ...d, content }))}
            targets={draft.targets} counts={live.targets} checking={live.checking} issues={slots}
          />
          <HashtagInput
            hashtags={draft.hashtags} pending={draft.pendingHashtags}
            onChange={(hashtags, pendingHashtags) => setDraft((d) => ({ ...d, hashtags, pendingHashtags }))}
            issues={slots}
          />
          <MediaSection media={draft.media} uploads={uploads} issues={slots} />
          <WritingHelp draft={draft} setDraft={setDraft} />
        </div>
        <div className="composer-side">
          <AccountPicker selected={draft.targets.map((t) => t.accountId)} onToggle={toggleAccount} issues={slots} />
          {draft.targets.length > 0 && (
            <section className="composer-section" aria-labelledby="composer-targets-heading">
              <h2 id="composer-targets-heading">Per account</h2>
              <div className="stack">
                {draft.targets.map((t) => (
                  <TargetPanel key={t.accountId} target={t} mainText={draft.content} onChange={setTarget} issues={slots} />
                ))}
              </div>
            </section>
          )}
          <WhenSection when={draft.when} onChange={(when) => setDraft((d) => ({ ...d, when }))} askFold={askFold} issues={slots} />
        </div>
      </div>
      <div className="composer-actions row" id="composer-actions">
        <button type="button" className="primary" onClick={act('schedule')} disabled={busy}>{label('schedule', 'Schedule', 'Scheduling…')}</button>
        <button type="button" onClick={act('publish')} disabled={busy}>{label('publish', 'Publish now', 'Publishing…')}</button>
        {status !== 'scheduled' && (
          <button type="button" onClick={act('draft')} disabled={busy}>
            {label('draft', status === 'cancelled' ? 'Save changes' : 'Save draft', 'Saving…')}
          </button>
        )}
        {uploading && <span className="muted" role="status">Waiting for uploads to finish…</span>}
      </div>
    </form>
  );
}
