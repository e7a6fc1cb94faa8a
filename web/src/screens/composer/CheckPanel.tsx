// Check: the draft as it is now (main text, hashtags, media types) against each chosen account's platform, by
// POST /api/social/analyze/content. Every check is the API's; it runs when the panel opens and on "Check again".
import { useEffect, useState } from 'react';
import type { ContentAnalysis } from '../../api/types';
import { allHashtags, type Draft } from './draft';
import type { DraftUpdates } from './draft-updates';
import { mediaTypes } from './media-types';
import { PlatformChecks } from './PlatformChecks';
import type { TargetPlatform } from './useTargetPlatforms';
import { useWritingHelpRequest } from './useWritingHelpRequest';
import { WritingHelpError } from './WritingHelpError';

interface AnalyzeRequest {
  content: string;
  hashtags: string[];
  media: { contentType: string }[];
  platforms: string[];
}

export function CheckPanel({ id, open, draft, platforms, updates }: {
  id: string;
  open: boolean;
  draft: Draft;
  platforms: readonly TargetPlatform[];
  updates: DraftUpdates;
}) {
  const request = useWritingHelpRequest<AnalyzeRequest, ContentAnalysis>('/api/social/analyze/content');
  const none = platforms.length === 0;
  const [resolving, setResolving] = useState(false);
  // What the shown answer was asked about: a draft changed since is said to be, not silently mismatched.
  const draftKey = JSON.stringify([draft.content, allHashtags(draft), draft.media.map((m) => m.key), platforms.map((p) => p.platform)]);
  const [checkedKey, setCheckedKey] = useState('');
  const check = () => {
    setResolving(true);
    setCheckedKey(draftKey);
    // The API checks the media's types against each platform's: those of files the post already had are looked up.
    void mediaTypes(draft.media).then((media) => {
      setResolving(false);
      request.run({ content: draft.content, hashtags: allHashtags(draft), media, platforms: platforms.map((p) => p.platform) });
    });
  };
  const running = resolving || request.running;

  useEffect(() => {
    if (open && !none) check();
    // Runs as the panel opens; after that on demand.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const readability = request.answer?.readability;
  return (
    <section id={id} className="writing-help-panel" aria-labelledby={`${id}-heading`} hidden={!open} aria-busy={running}>
      <h3 id={`${id}-heading`}>Check</h3>
      <p className="muted composer-hint">The main text, hashtags and media, against each chosen platform's limits and habits.</p>
      {none && <p className="writing-help-notice" role="status">Choose accounts under <strong>Accounts</strong> to check the post for their platforms.</p>}
      <div className="row writing-help-run">
        <button type="button" onClick={check} disabled={running || none}>{running ? 'Checking…' : request.answer ? 'Check again' : 'Run the check'}</button>
      </div>
      <WritingHelpError error={request.error} />
      {request.answer && (
        <div className="writing-help-results" role="region" aria-label="Check results">
          {checkedKey !== draftKey && <p className="writing-help-notice">The draft changed since this check: <strong>Check again</strong> to bring it up to date.</p>}
          {readability && (
            <p className="writing-help-meta">
              {readability.words} words in {readability.sentences} {readability.sentences === 1 ? 'sentence' : 'sentences'}
              {readability.fleschReadingEase !== null && <>; reading ease {readability.fleschReadingEase.toFixed(0)} (Flesch, higher is easier)</>}
            </p>
          )}
          {request.answer.data.map((a) => (
            <PlatformChecks key={a.platform} analysis={a} onUseRewrite={(text) => updates.setMainText(text)} />
          ))}
        </div>
      )}
    </section>
  );
}
